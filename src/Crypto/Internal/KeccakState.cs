using System.Runtime.CompilerServices;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// The 25 lanes of a Keccak-f[1600] state, lane (x, y) at index x + 5y. An inline array so
/// <see cref="Keccak256"/> stays a plain copyable struct with no fixed buffers or heap storage.
/// </summary>
[InlineArray(KeccakF1600.StateLanes)]
internal struct KeccakState
{
    private ulong _lane0;
}
