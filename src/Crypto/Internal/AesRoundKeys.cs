using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// The expanded encryption key schedule: up to 15 round keys (AES-256 uses all of them, AES-128
/// the first 11), stored inline in the owning object so the hot loops load them without an extra
/// indirection and <c>Dispose</c> can zero them in place.
/// </summary>
[InlineArray(MaxRoundKeys)]
internal struct AesRoundKeys
{
    /// <summary>Round keys for the largest supported key size (AES-256: 14 rounds + whitening).</summary>
    internal const int MaxRoundKeys = 15;

    private Vector128<byte> _element;
}
