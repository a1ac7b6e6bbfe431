using System.Collections.Immutable;
using System.Globalization;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;

namespace Devp2p;

/// <summary>
/// The base protocol's Hello message (code 0x00), the first message each side sends after the
/// RLPx handshake: <c>[protocolVersion, clientId, [[capName, capVersion], ...], listenPort, nodeId, ...]</c>
/// (ethereum/devp2p rlpx.md; go-ethereum <c>protoHandshake</c>).
/// </summary>
/// <remarks>
/// Items after the node ID are accepted and kept verbatim in <see cref="Rest"/>, as EIP-8 requires
/// for forward compatibility, so a decoded Hello re-encodes to the same bytes. Decoding copies
/// everything it keeps out of the input, so the value outlives the message buffer.
/// </remarks>
public readonly struct Hello : IRlpEncodable, IRlpDecodable<Hello>
{
    /// <summary>
    /// Largest Hello payload accepted, in bytes (go-ethereum <c>baseProtocolMaxMsgSize</c>, 2 KiB):
    /// a Hello is read before any subprotocol limit applies, so it gets a small one of its own.
    /// </summary>
    public const int MaxMessageSize = 2 * 1024;

    /// <summary>Length of a node ID: an uncompressed secp256k1 public key without its 0x04 prefix.</summary>
    public const int NodeIdLength = 64;

    /// <summary>Creates a Hello.</summary>
    /// <param name="protocolVersion">The base protocol version (we send 5).</param>
    /// <param name="clientName">The client identifier, for example "geth/v1.14.0/linux-amd64/go1.22".</param>
    /// <param name="caps">The capabilities supported.</param>
    /// <param name="listenPort">The TCP port the node listens on; 0 when it does not (go-ethereum sends 0).</param>
    /// <param name="nodeId">The node's public key.</param>
    /// <param name="rest">
    /// Encoded items to append after the node ID; normally empty. They are written verbatim, so
    /// they must be well-formed RLP items. The memory is kept by reference, not copied.
    /// </param>
    public Hello(ulong protocolVersion, string clientName, ImmutableArray<Cap> caps, ulong listenPort, PublicKey nodeId, ReadOnlyMemory<byte> rest = default)
    {
        ProtocolVersion = protocolVersion;
        ClientName = clientName ?? string.Empty;
        Caps = caps.IsDefault ? ImmutableArray<Cap>.Empty : caps;
        ListenPort = listenPort;
        NodeId = nodeId;
        Rest = rest;
    }

    /// <summary>The base protocol version the sender speaks.</summary>
    public ulong ProtocolVersion { get; }

    /// <summary>The sender's client identifier (free text).</summary>
    public string ClientName => field ?? string.Empty;

    /// <summary>The capabilities the sender supports, in the order it sent them.</summary>
    public ImmutableArray<Cap> Caps => field.IsDefault ? ImmutableArray<Cap>.Empty : field;

    /// <summary>
    /// The port the sender listens on. Kept as the 64-bit integer go-ethereum reads, so a Hello
    /// with an out-of-range port is not rejected where go-ethereum would accept it.
    /// </summary>
    public ulong ListenPort { get; }

    /// <summary>The sender's node ID, validated as a secp256k1 public key.</summary>
    public PublicKey NodeId { get; }

    /// <summary>
    /// The encodings of any items after the node ID, concatenated; empty for an ordinary Hello.
    /// Decoding copies them into a new array.
    /// </summary>
    public ReadOnlyMemory<byte> Rest { get; }

    /// <inheritdoc/>
    public int GetRlpLength() => RlpCodec.GetListLength(ContentLength(out _));

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The encoding does not fit in the writer.</exception>
    public void Encode(ref RlpWriter writer)
    {
        writer.WriteListHeader(ContentLength(out int capsContentLength));
        writer.WriteUInt64(ProtocolVersion);
        writer.WriteString(ClientName);
        writer.WriteListHeader(capsContentLength);
        foreach (Cap cap in Caps)
        {
            writer.Write(in cap);
        }

        writer.WriteUInt64(ListenPort);
        Span<byte> nodeId = stackalloc byte[NodeIdLength];
        NodeId.WriteTo(nodeId);
        writer.WriteBytes(nodeId);
        writer.WriteEncoded(Rest.Span);
    }

    /// <summary>
    /// Reads a Hello list. Items after the node ID are accepted (EIP-8) and kept in <see cref="Rest"/>;
    /// missing items are an error.
    /// </summary>
    /// <param name="reader">The reader, positioned at the Hello list.</param>
    /// <returns>The message.</returns>
    /// <exception cref="RlpException">
    /// The input is malformed or of the wrong shape, a field is missing, the node ID is not 64 bytes
    /// (<see cref="RlpError.UnexpectedLength"/>) or not a point on secp256k1 (<see cref="RlpError.InvalidValue"/>).
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static Hello Decode(ref RlpReader reader)
    {
        RlpReader fields = reader.ReadList();
        ulong protocolVersion = fields.ReadUInt64();
        string clientName = fields.ReadString();

        RlpReader capList = fields.ReadList();
        ImmutableArray<Cap>.Builder caps = ImmutableArray.CreateBuilder<Cap>(capList.CountItems());
        while (!capList.IsAtEnd)
        {
            caps.Add(capList.Read<Cap>());
        }

        ulong listenPort = fields.ReadUInt64();
        int nodeIdOffset = fields.Position;
        if (!PublicKey.TryParse(fields.ReadFixedBytes(NodeIdLength), out PublicKey nodeId))
        {
            ThrowInvalidNodeId(nodeIdOffset);
        }

        return new Hello(protocolVersion, clientName, caps.MoveToImmutable(), listenPort, nodeId, CopyRest(fields));
    }

    /// <summary>
    /// Decodes a Hello message payload (without the code byte), first checking it against
    /// <see cref="MaxMessageSize"/>, then requiring exactly one item.
    /// </summary>
    /// <param name="payload">The payload; nothing of it is kept.</param>
    /// <returns>The message.</returns>
    /// <exception cref="RlpException">
    /// The payload is larger than <see cref="MaxMessageSize"/> (<see cref="RlpError.InvalidValue"/>),
    /// bytes follow the Hello list (<see cref="RlpError.TrailingBytes"/>), or as for <see cref="Decode"/>.
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static Hello DecodeMessage(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxMessageSize)
        {
            ThrowTooLarge(payload.Length);
        }

        return RlpCodec.Decode<Hello>(payload);
    }

    /// <summary>Returns a one-line summary for logs: name, version, caps and port.</summary>
    /// <returns>For example "Hello v5 geth/v1.14.0 [eth/68, snap/1] port 30303".</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Hello v{ProtocolVersion} {ClientName} [{string.Join(", ", Caps)}] port {ListenPort}");

    private static ReadOnlyMemory<byte> CopyRest(RlpReader fields)
    {
        if (fields.IsAtEnd)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // The extra items are contiguous up to the end of the list; validate each header (as
        // go-ethereum's rlp:"tail" split does) while measuring, then copy them in a second pass.
        RlpReader probe = fields;
        int length = 0;
        while (!probe.IsAtEnd)
        {
            length += probe.ReadEncodedItem().Length;
        }

        byte[] rest = new byte[length];
        int written = 0;
        while (!fields.IsAtEnd)
        {
            ReadOnlySpan<byte> item = fields.ReadEncodedItem();
            item.CopyTo(rest.AsSpan(written));
            written += item.Length;
        }

        return rest;
    }

    private int ContentLength(out int capsContentLength)
    {
        capsContentLength = 0;
        foreach (Cap cap in Caps)
        {
            capsContentLength += cap.GetRlpLength();
        }

        return RlpCodec.GetIntegerLength(ProtocolVersion)
            + RlpCodec.GetStringLength(ClientName)
            + RlpCodec.GetListLength(capsContentLength)
            + RlpCodec.GetIntegerLength(ListenPort)
            + 2 + NodeIdLength // 0xb8 0x40, then the 64 bytes
            + Rest.Length;
    }

    private static void ThrowInvalidNodeId(int offset) =>
        throw new RlpException(RlpError.InvalidValue, offset, $"Hello node ID at offset {offset} is not a valid secp256k1 public key.");

    private static void ThrowTooLarge(int size) =>
        throw new RlpException(RlpError.InvalidValue, 0, $"Hello message is {size} bytes; the limit is {MaxMessageSize}.");
}
