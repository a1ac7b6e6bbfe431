using Devp2p.Crypto;
using Devp2p.Framing.Rlp;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// A decoded auth body, the initiator's first message (rlpx.md "Initial Handshake"; EIP-8):
/// EIP-8 <c>[sig, initiator-pubk, initiator-nonce, auth-vsn, ...]</c> followed by padding, or legacy
/// <c>sig || keccak256(ephemeral-pubk) || initiator-pubk || initiator-nonce || token-flag</c>.
/// The writers are static so sending allocates nothing; reading makes one of these.
/// </summary>
internal sealed class AuthMessage
{
    private const string ListField = "auth-body";
    private const string SignatureField = "sig";
    private const string PublicKeyField = "initiator-pubk";
    private const string NonceField = "initiator-nonce";
    private const string VersionField = "auth-vsn";
    private const string ExtraField = "auth-body extra element";

    private const int LegacySignatureOffset = 0;
    private const int LegacyHashOffset = LegacySignatureOffset + HandshakePacket.SignatureLength;
    private const int LegacyPublicKeyOffset = LegacyHashOffset + HandshakePacket.HashLength;
    private const int LegacyNonceOffset = LegacyPublicKeyOffset + HandshakePacket.PublicKeyLength;
    private const int LegacyTokenFlagOffset = LegacyNonceOffset + HandshakePacket.NonceLength;

    private AuthMessage(
        HandshakeFormat format,
        ReadOnlySpan<byte> signature,
        int signatureOffset,
        PublicKey initiatorPublicKey,
        ReadOnlySpan<byte> nonce,
        ulong version,
        IReadOnlyList<byte[]> extraElements,
        byte[]? ephemeralPublicKeyHash,
        byte tokenFlag)
    {
        Format = format;
        Signature = signature.ToArray();
        SignatureOffset = signatureOffset;
        InitiatorPublicKey = initiatorPublicKey;
        Nonce = nonce.ToArray();
        Version = version;
        ExtraElements = extraElements;
        EphemeralPublicKeyHash = ephemeralPublicKeyHash;
        TokenFlag = tokenFlag;
    }

    /// <summary>The content length of the RLP list we send: the same for every auth, since every field has a fixed size.</summary>
    private static readonly int s_eip8ContentLength =
        RlpCodec.GetHeaderLength(HandshakePacket.SignatureLength) + HandshakePacket.SignatureLength
        + RlpCodec.GetHeaderLength(HandshakePacket.PublicKeyLength) + HandshakePacket.PublicKeyLength
        + RlpCodec.GetHeaderLength(HandshakePacket.NonceLength) + HandshakePacket.NonceLength
        + RlpCodec.GetIntegerLength(HandshakePacket.Version);

    /// <summary>The length of the RLP list we send, before padding.</summary>
    public static int Eip8ListLength { get; } = RlpCodec.GetListLength(s_eip8ContentLength);

    public HandshakeFormat Format { get; }

    /// <summary>65 bytes r || s || v over static-shared-secret ^ initiator-nonce, made with the initiator's ephemeral key.</summary>
    public byte[] Signature { get; }

    /// <summary>Where <see cref="Signature"/> starts in the decrypted body, for error messages.</summary>
    public int SignatureOffset { get; }

    public PublicKey InitiatorPublicKey { get; }

    public byte[] Nonce { get; }

    /// <summary>auth-vsn; <see cref="HandshakePacket.LegacyVersion"/> for legacy packets, which carry none.</summary>
    public ulong Version { get; }

    /// <summary>Raw RLP of list elements after auth-vsn, ignored for forward compatibility (EIP-8); empty for legacy.</summary>
    public IReadOnlyList<byte[]> ExtraElements { get; }

    /// <summary>Legacy only: keccak256 of the initiator's ephemeral public key; null for EIP-8.</summary>
    public byte[]? EphemeralPublicKeyHash { get; }

    /// <summary>Where <see cref="EphemeralPublicKeyHash"/> starts in the decrypted body.</summary>
    public static int LegacyEphemeralHashOffset => LegacyHashOffset;

    /// <summary>Legacy only: the trailing token flag (0 from every known sender; ignored); 0 for EIP-8.</summary>
    public byte TokenFlag { get; }

    /// <summary>Decodes a decrypted body in the given format.</summary>
    /// <exception cref="HandshakeException">A field is missing, has the wrong size, or a key is not on the curve.</exception>
    public static AuthMessage Decode(ReadOnlySpan<byte> body, HandshakeFormat format) =>
        format == HandshakeFormat.Legacy ? DecodeLegacy(body) : DecodeEip8(body);

    /// <summary>
    /// Writes the EIP-8 list <c>[sig, initiator-pubk, initiator-nonce, 4]</c> (<see cref="Eip8ListLength"/> bytes)
    /// to the start of <paramref name="destination"/>; the caller appends the padding.
    /// </summary>
    public static int WriteEip8(ReadOnlySpan<byte> signature, in PublicKey initiatorPublicKey, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        Span<byte> publicKey = stackalloc byte[HandshakePacket.PublicKeyLength];
        initiatorPublicKey.WriteTo(publicKey);
        var writer = new RlpWriter(destination);
        writer.WriteListHeader(s_eip8ContentLength);
        writer.WriteBytes(signature);
        writer.WriteBytes(publicKey);
        writer.WriteBytes(nonce);
        writer.WriteUInt64(HandshakePacket.Version);
        return writer.BytesWritten;
    }

    /// <summary>Writes the 194-byte legacy body to the start of <paramref name="destination"/>.</summary>
    public static void WriteLegacy(
        ReadOnlySpan<byte> signature,
        in PublicKey ephemeralPublicKey,
        in PublicKey initiatorPublicKey,
        ReadOnlySpan<byte> nonce,
        Span<byte> destination)
    {
        Span<byte> body = destination[..HandshakePacket.LegacyAuthBodyLength];
        signature.CopyTo(body[LegacySignatureOffset..]);
        Span<byte> ephemeral = stackalloc byte[HandshakePacket.PublicKeyLength];
        ephemeralPublicKey.WriteTo(ephemeral);
        Keccak256.Hash(ephemeral, body[LegacyHashOffset..]);
        initiatorPublicKey.WriteTo(body[LegacyPublicKeyOffset..]);
        nonce.CopyTo(body[LegacyNonceOffset..]);
        body[LegacyTokenFlagOffset] = HandshakePacket.LegacyTokenFlag;
    }

    private static AuthMessage DecodeLegacy(ReadOnlySpan<byte> body)
    {
        if (body.Length != HandshakePacket.LegacyAuthBodyLength)
        {
            // Unreachable from the packet reader, which decrypts exactly the legacy size; kept for direct callers.
            throw new HandshakeException(
                ListField, 0, $"A legacy auth body is {HandshakePacket.LegacyAuthBodyLength} bytes; got {body.Length}.");
        }

        PublicKey initiator = ParsePublicKey(body.Slice(LegacyPublicKeyOffset, HandshakePacket.PublicKeyLength), PublicKeyField, LegacyPublicKeyOffset);
        return new AuthMessage(
            HandshakeFormat.Legacy,
            body.Slice(LegacySignatureOffset, HandshakePacket.SignatureLength),
            LegacySignatureOffset,
            initiator,
            body.Slice(LegacyNonceOffset, HandshakePacket.NonceLength),
            HandshakePacket.LegacyVersion,
            [],
            body.Slice(LegacyHashOffset, HandshakePacket.HashLength).ToArray(),
            body[LegacyTokenFlagOffset]);
    }

    private static AuthMessage DecodeEip8(ReadOnlySpan<byte> body)
    {
        string field = ListField;
        int fieldOffset = 0;
        try
        {
            // Bytes after the list are the padding: deliberately not read.
            var outer = new RlpReader(body);
            RlpReader list = outer.ReadList();

            field = SignatureField;
            fieldOffset = list.Position;
            ReadOnlySpan<byte> signature = list.ReadFixedBytes(HandshakePacket.SignatureLength);
            int signatureOffset = list.Position - HandshakePacket.SignatureLength;

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
            IReadOnlyList<byte[]> extra = ReadExtraElements(ref list, ref fieldOffset);

            PublicKey initiator = ParsePublicKey(publicKey, PublicKeyField, publicKeyOffset);
            return new AuthMessage(HandshakeFormat.Eip8, signature, signatureOffset, initiator, nonce, version, extra, null, 0);
        }
        catch (RlpException ex)
        {
            throw HandshakeThrowHelper.MalformedBody(field, ex.Offset >= 0 ? ex.Offset : fieldOffset, ex);
        }
    }

    /// <summary>Collects the raw encodings of the list elements after the version (forward compatibility, EIP-8).</summary>
    internal static IReadOnlyList<byte[]> ReadExtraElements(ref RlpReader list, ref int fieldOffset)
    {
        if (list.IsAtEnd)
        {
            return [];
        }

        var extra = new List<byte[]>();
        while (!list.IsAtEnd)
        {
            fieldOffset = list.Position;
            extra.Add(list.ReadEncodedItem().ToArray());
        }

        return extra;
    }

    internal static PublicKey ParsePublicKey(ReadOnlySpan<byte> xy, string field, int offset)
    {
        if (!PublicKey.TryParse(xy, out PublicKey key))
        {
            HandshakeThrowHelper.ThrowInvalidPublicKey(field, offset);
        }

        return key;
    }
}
