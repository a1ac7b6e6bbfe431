using System.Buffers.Binary;
using System.Security.Cryptography;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>Seals an auth or ack body into a packet, in either format, and fills EIP-8 padding.</summary>
internal static class HandshakePacketWriter
{
    /// <summary>
    /// Writes <c>size-prefix || ECIES(remote, body, shared-mac-data = size-prefix)</c>, where the
    /// prefix is the big-endian ciphertext length (EIP-8, "Changes to the RLPx Handshake").
    /// </summary>
    /// <returns>The packet length.</returns>
    public static int SealEip8(in PublicKey remote, PrivateKey eciesKey, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        int ciphertextLength = Ecies.GetCiphertextLength(body.Length);
        Span<byte> prefix = destination[..HandshakePacket.SizePrefixLength];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, checked((ushort)ciphertextLength));
        Ecies.Encrypt(remote, eciesKey, body, prefix, destination[HandshakePacket.SizePrefixLength..]);
        return HandshakePacket.SizePrefixLength + ciphertextLength;
    }

    /// <summary>Writes <c>ECIES(remote, body)</c> with no shared MAC data: the legacy packet.</summary>
    /// <returns>The packet length.</returns>
    public static int SealLegacy(in PublicKey remote, PrivateKey eciesKey, ReadOnlySpan<byte> body, Span<byte> destination) =>
        Ecies.Encrypt(remote, eciesKey, body, default, destination);

    /// <summary>
    /// Fills EIP-8 padding: the fixed bytes a test supplied, or random bytes. The content is never
    /// read by the peer; random bytes keep the padding from being a known plaintext.
    /// </summary>
    public static void WritePadding(byte[]? fixedPadding, Span<byte> destination)
    {
        if (fixedPadding is null)
        {
            RandomNumberGenerator.Fill(destination);
        }
        else
        {
            fixedPadding.CopyTo(destination);
        }
    }

    /// <summary>A random padding length from <see cref="HandshakePacket.MinPaddingLength"/> to <see cref="HandshakePacket.MaxPaddingLength"/>.</summary>
    public static int ChoosePaddingLength() =>
        RandomNumberGenerator.GetInt32(HandshakePacket.MinPaddingLength, HandshakePacket.MaxPaddingLength + 1);

    /// <summary>Checks a test-supplied padding keeps the packet within <see cref="HandshakePacket.MaxPacketLength"/>.</summary>
    public static byte[] CheckFixedPadding(ReadOnlySpan<byte> padding, int listLength)
    {
        if (listLength + padding.Length > HandshakePacket.MaxBodyLength)
        {
            throw new ArgumentException(
                $"{padding.Length} bytes of padding make the packet exceed {HandshakePacket.MaxPacketLength} bytes.", nameof(padding));
        }

        return padding.ToArray();
    }

    /// <summary>Checks a test-supplied nonce is 32 bytes and copies it.</summary>
    public static byte[] CheckNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != HandshakePacket.NonceLength)
        {
            throw new ArgumentException($"A nonce is {HandshakePacket.NonceLength} bytes; got {nonce.Length}.", nameof(nonce));
        }

        return nonce.ToArray();
    }

    /// <summary>A fresh random 32-byte nonce.</summary>
    public static byte[] CreateNonce()
    {
        byte[] nonce = new byte[HandshakePacket.NonceLength];
        RandomNumberGenerator.Fill(nonce);
        return nonce;
    }
}
