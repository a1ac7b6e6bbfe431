using System.Buffers.Binary;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// Frames and decrypts one incoming auth or ack packet from bytes that arrive in pieces: says "need
/// more" until the whole packet is present, then decrypts it. Legacy and EIP-8 packets are both
/// accepted (EIP-8, "Changes to the RLPx Handshake": recipients must accept both).
/// </summary>
/// <remarks>
/// <para>
/// Telling the formats apart. Every ECIES message starts with 0x04, so a legacy packet's first byte
/// is 0x04 and an EIP-8 packet's third byte is 0x04 (the prefix is in front). An EIP-8 packet's
/// first byte is the high byte of its size, which is 0x04 only for sizes 1024-1279. So:
/// </para>
/// <list type="bullet">
/// <item>First byte not 0x04: EIP-8, the only reading possible. No ECIES attempt is wasted, which
/// is the common case (every EIP-8 sender pads to 300-500 bytes).</item>
/// <item>First byte 0x04 and third byte not 0x04: legacy, the only reading possible.</item>
/// <item>Both 0x04 (ambiguous: a legacy packet whose third byte happens to be 0x04, odds 1 in 256,
/// or an EIP-8 packet of 1024-1279 bytes): wait for the legacy size, which is never more than such
/// an EIP-8 packet, try legacy decryption, and on an ECIES failure fall back to EIP-8 for good.
/// This is go-ethereum's pre-1.10 order (try legacy first), applied only where the bytes allow both.</item>
/// </list>
/// <para>
/// The cost of the ambiguity: an EIP-8 packet of 1024-1279 bytes pays one extra ECDH, and a corrupt
/// legacy packet in the ambiguous case is reported as an EIP-8 failure (after up to 1279 bytes)
/// rather than a legacy one. No valid packet is misread: a legacy attempt on EIP-8 bytes fails the
/// ECIES tag check (or the ephemeral-key parse), which is authenticated.
/// </para>
/// <para>A mutable struct: keep it in a field and call it there.</para>
/// </remarks>
internal struct HandshakePacketReader
{
    private readonly int _legacyPacketLength;

    /// <summary>Set once a legacy decryption of the (ambiguous) first bytes failed, so it is not retried as more bytes arrive.</summary>
    private bool _legacyRuledOut;

    /// <summary>Creates a reader for packets whose legacy form is <paramref name="legacyPacketLength"/> bytes (307 auth, 210 ack).</summary>
    public HandshakePacketReader(int legacyPacketLength)
    {
        _legacyPacketLength = legacyPacketLength;
        _legacyRuledOut = false;
    }

    /// <summary>
    /// Decrypts the packet at the start of <paramref name="input"/> into <paramref name="body"/> once
    /// it is complete. Bytes after the packet are not read.
    /// </summary>
    /// <param name="key">Our static private key.</param>
    /// <param name="input">The bytes received so far, starting at the packet.</param>
    /// <param name="body">Receives the decrypted body; at least <see cref="HandshakePacket.MaxBodyLength"/> bytes.</param>
    /// <param name="packetLength">The packet's length on the wire (prefix included).</param>
    /// <param name="bodyLength">The decrypted body's length.</param>
    /// <param name="format">Which format the packet has.</param>
    /// <returns>False when more bytes are needed (outputs are then zero); true when decrypted.</returns>
    /// <exception cref="HandshakeException">The packet is too large, too small, not ECIES, or does not decrypt.</exception>
    public bool TryDecrypt(
        PrivateKey key,
        ReadOnlySpan<byte> input,
        Span<byte> body,
        out int packetLength,
        out int bodyLength,
        out HandshakeFormat format)
    {
        packetLength = 0;
        bodyLength = 0;
        format = HandshakeFormat.Eip8;
        if (input.IsEmpty)
        {
            return false;
        }

        if (!_legacyRuledOut && input[0] == HandshakePacket.EciesPrefix)
        {
            if (input.Length < _legacyPacketLength)
            {
                return false;
            }

            bool couldBeEip8 = input[HandshakePacket.SizePrefixLength] == HandshakePacket.EciesPrefix;
            try
            {
                bodyLength = Ecies.Decrypt(key, input[.._legacyPacketLength], default, body);
                packetLength = _legacyPacketLength;
                format = HandshakeFormat.Legacy;
                return true;
            }
            catch (EciesException ex) when (!couldBeEip8)
            {
                throw HandshakeThrowHelper.DecryptionFailed(HandshakeFormat.Legacy, 0, ex);
            }
            catch (EciesException)
            {
                _legacyRuledOut = true;
            }
        }

        if (input.Length < HandshakePacket.SizePrefixLength)
        {
            return false;
        }

        int size = BinaryPrimitives.ReadUInt16BigEndian(input);
        if (size > HandshakePacket.MaxPacketLength - HandshakePacket.SizePrefixLength)
        {
            HandshakeThrowHelper.ThrowPacketTooLarge(size);
        }

        if (size < Ecies.Overhead)
        {
            HandshakeThrowHelper.ThrowPacketTooSmall(size);
        }

        // Reject garbage on its third byte instead of waiting for up to 2 KiB of it.
        if (input.Length > HandshakePacket.SizePrefixLength && input[HandshakePacket.SizePrefixLength] != HandshakePacket.EciesPrefix)
        {
            HandshakeThrowHelper.ThrowNotEcies(HandshakePacket.SizePrefixLength, input[HandshakePacket.SizePrefixLength]);
        }

        int total = HandshakePacket.SizePrefixLength + size;
        if (input.Length < total)
        {
            return false;
        }

        try
        {
            bodyLength = Ecies.Decrypt(key, input[HandshakePacket.SizePrefixLength..total], input[..HandshakePacket.SizePrefixLength], body);
        }
        catch (EciesException ex)
        {
            throw HandshakeThrowHelper.DecryptionFailed(HandshakeFormat.Eip8, HandshakePacket.SizePrefixLength, ex);
        }

        packetLength = total;
        format = HandshakeFormat.Eip8;
        return true;
    }
}
