using System.Runtime.CompilerServices;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// 64 bytes stored inline (x || y, big-endian), so a <see cref="PublicKey"/> is a plain value that
/// never touches the heap.
/// </summary>
[InlineArray(Secp256k1.PublicKeyLength)]
internal struct PublicKeyBytes
{
    private byte _element0;
}
