using Devp2p.Crypto;
using Devp2p.Framing.Rlp;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// A decoded ack body, the recipient's answer (rlpx.md "Initial Handshake"; EIP-8): EIP-8
/// <c>[recipient-ephemeral-pubk, recipient-nonce, ack-vsn, ...]</c> followed by padding, or legacy
/// <c>recipient-ephemeral-pubk || recipient-nonce || token-flag</c>. The writers are static so
/// sending allocates nothing; reading makes one of these.
/// </summary>
internal sealed class AckMessage
{
    private const string ListField = "ack-body";
    private const string PublicKeyField = "recipient-ephemeral-pubk";
    private const string NonceField = "recipient-nonce";
    private const string VersionField = "ack-vsn";
    private const string ExtraField = "ack-body extra element";

    private const int LegacyPublicKeyOffset = 0;
    private const int LegacyNonceOffset = LegacyPublicKeyOffset + HandshakePacket.PublicKeyLength;
    private const int LegacyTokenFlagOffset = LegacyNonceOffset + HandshakePacket.NonceLength;

    /// <summary>The content length of the RLP list we send: fixed, since every field has a fixed size.</summary>
    private static readonly int s_eip8ContentLength =
        RlpCodec.GetHeaderLength(HandshakePacket.PublicKeyLength) + HandshakePacket.PublicKeyLength
        + RlpCodec.GetHeaderLength(HandshakePacket.NonceLength) + HandshakePacket.NonceLength
        + RlpCodec.GetIntegerLength(HandshakePacket.Version);

    private AckMessage(
        HandshakeFormat format,
        PublicKey recipientEphemeralPublicKey,
        ReadOnlySpan<byte> nonce,
        ulong version,
        IReadOnlyList<byte[]> extraElements,
        byte tokenFlag)
    {
        Format = format;
        RecipientEphemeralPublicKey = recipientEphemeralPublicKey;
        Nonce = nonce.ToArray();
        Version = version;
        ExtraElements = extraElements;
        TokenFlag = tokenFlag;
    }

    /// <summary>The length of the RLP list we send, before padding.</summary>
    public static int Eip8ListLength { get; } = RlpCodec.GetListLength(s_eip8ContentLength);

    public HandshakeFormat Format { get; }

    public PublicKey RecipientEphemeralPublicKey { get; }

    public byte[] Nonce { get; }

    /// <summary>ack-vsn; <see cref="HandshakePacket.LegacyVersion"/> for legacy packets, which carry none.</summary>
    public ulong Version { get; }

    /// <summary>Raw RLP of list elements after ack-vsn, ignored for forward compatibility (EIP-8); empty for legacy.</summary>
    public IReadOnlyList<byte[]> ExtraElements { get; }

    /// <summary>Legacy only: the trailing token flag (ignored); 0 for EIP-8.</summary>
    public byte TokenFlag { get; }

    /// <summary>Decodes a decrypted body in the given format.</summary>
    /// <exception cref="HandshakeException">A field is missing, has the wrong size, or the key is not on the curve.</exception>
    public static AckMessage Decode(ReadOnlySpan<byte> body, HandshakeFormat format) =>
        format == HandshakeFormat.Legacy ? DecodeLegacy(body) : DecodeEip8(body);

    /// <summary>
    /// Writes the EIP-8 list <c>[recipient-ephemeral-pubk, recipient-nonce, 4]</c>
    /// (<see cref="Eip8ListLength"/> bytes) to the start of <paramref name="destination"/>; the caller appends the padding.
    /// </summary>
    public static int WriteEip8(in PublicKey ephemeralPublicKey, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        Span<byte> publicKey = stackalloc byte[HandshakePacket.PublicKeyLength];
        ephemeralPublicKey.WriteTo(publicKey);
        var writer = new RlpWriter(destination);
        writer.WriteListHeader(s_eip8ContentLength);
        writer.WriteBytes(publicKey);
        writer.WriteBytes(nonce);
        writer.WriteUInt64(HandshakePacket.Version);
        return writer.BytesWritten;
    }

    /// <summary>Writes the 97-byte legacy body to the start of <paramref name="destination"/>.</summary>
    public static void WriteLegacy(in PublicKey ephemeralPublicKey, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        Span<byte> body = destination[..HandshakePacket.LegacyAckBodyLength];
        ephemeralPublicKey.WriteTo(body[LegacyPublicKeyOffset..]);
        nonce.CopyTo(body[LegacyNonceOffset..]);
        body[LegacyTokenFlagOffset] = HandshakePacket.LegacyTokenFlag;
    }

    private static AckMessage DecodeLegacy(ReadOnlySpan<byte> body)
    {
        if (body.Length != HandshakePacket.LegacyAckBodyLength)
        {
            // Unreachable from the packet reader, which decrypts exactly the legacy size; kept for direct callers.
            throw new HandshakeException(
                ListField, 0, $"A legacy ack body is {HandshakePacket.LegacyAckBodyLength} bytes; got {body.Length}.");
        }

        PublicKey ephemeral = AuthMessage.ParsePublicKey(
            body.Slice(LegacyPublicKeyOffset, HandshakePacket.PublicKeyLength), PublicKeyField, LegacyPublicKeyOffset);
        return new AckMessage(
            HandshakeFormat.Legacy,
            ephemeral,
            body.Slice(LegacyNonceOffset, HandshakePacket.NonceLength),
            HandshakePacket.LegacyVersion,
            [],
            body[LegacyTokenFlagOffset]);
    }

    private static AckMessage DecodeEip8(ReadOnlySpan<byte> body)
    {
        string field = ListField;
        int fieldOffset = 0;
        try
        {
            // Bytes after the list are the padding: deliberately not read.
            var outer = new RlpReader(body);
            RlpReader list = outer.ReadList();

            field = PublicKeyField;
            fieldOffset = list.Position;
            ReadOnlySpan<byte> publicKey = list.ReadFixedBytes(HandshakePacket.PublicKeyLength);
            int publicKeyOffset = list.Position - HandshakePacket.PublicKeyLength;

            field = NonceField;
            fieldOffset = list.Position;
            ReadOnlySpan<byte> nonce = list.ReadFixedBytes(HandshakePacket.NonceLength);

            field = VersionField;
            fieldOffset = list.Position;
            ulong version = list.ReadUInt64();

            field = ExtraField;
            fieldOffset = list.Position;
            IReadOnlyList<byte[]> extra = AuthMessage.ReadExtraElements(ref list, ref fieldOffset);

            PublicKey ephemeral = AuthMessage.ParsePublicKey(publicKey, PublicKeyField, publicKeyOffset);
            return new AckMessage(HandshakeFormat.Eip8, ephemeral, nonce, version, extra, 0);
        }
        catch (RlpException ex)
        {
            throw HandshakeThrowHelper.MalformedBody(field, ex.Offset >= 0 ? ex.Offset : fieldOffset, ex);
        }
    }
}
