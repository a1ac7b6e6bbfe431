using System.Runtime.CompilerServices;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// Holds the bytes of a not yet complete rate block between <see cref="Keccak256.Update"/>
/// calls (and the padded final block in <see cref="Keccak256.Digest"/>).
/// </summary>
[InlineArray(KeccakF1600.RateBytes)]
internal struct KeccakBlockBuffer
{
    private byte _byte0;
}
