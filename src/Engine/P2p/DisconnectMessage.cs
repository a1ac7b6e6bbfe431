using Devp2p.Framing.Rlp;

namespace Devp2p;

/// <summary>
/// The payload codec of the Disconnect message (code 0x01): we send the list form
/// <c>[reason]</c>, and accept what go-ethereum's <c>decodeDisconnectMessage</c> accepts.
/// </summary>
internal static class DisconnectMessage
{
    /// <summary>
    /// The encoded length of a Disconnect payload: a list header byte plus the reason (the reason
    /// is at most 2 bytes as an RLP integer, so the list is always in the 1-byte header form).
    /// </summary>
    /// <param name="reason">The reason.</param>
    /// <returns>2 for reason 0x00-0x7f, 3 for 0x80-0xff.</returns>
    public static int GetLength(DiscReason reason) => RlpCodec.GetListLength(RlpCodec.GetIntegerLength((byte)reason));

    /// <summary>Writes the payload <c>[reason]</c>.</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="destination">At least <see cref="GetLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="destination"/> is too small.</exception>
    public static int Encode(DiscReason reason, Span<byte> destination)
    {
        var writer = new RlpWriter(destination);
        writer.WriteListHeader(RlpCodec.GetIntegerLength((byte)reason));
        writer.WriteUInt64((byte)reason);
        return writer.BytesWritten;
    }

    /// <summary>
    /// Decodes a Disconnect payload as go-ethereum does: a list is read for its first item (later
    /// items are ignored, so a future reason detail does not break us); any other item is read as
    /// the reason itself, the "legacy" form some clients, geth among them, once sent by accident.
    /// </summary>
    /// <remarks>
    /// Never throws: the peer is leaving anyway, so a payload that cannot be decoded (empty, an
    /// empty list, a non-canonical or over-wide integer) yields <see cref="DiscReason.Invalid"/>,
    /// as go-ethereum's <c>DiscInvalid</c>. Bytes after the first item are not inspected, because
    /// go-ethereum's stream decoder stops after one value.
    /// </remarks>
    /// <param name="payload">The message payload, without the code.</param>
    /// <returns>The reason the peer sent, or <see cref="DiscReason.Invalid"/>.</returns>
    public static DiscReason Decode(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new RlpReader(payload);
            if (reader.PeekKind() == RlpKind.List)
            {
                RlpReader items = reader.ReadList();
                return (DiscReason)items.ReadByte();
            }

            return (DiscReason)reader.ReadByte();
        }
        catch (RlpException)
        {
            // Rare and terminal (the connection closes next), so the cost of the exception is moot.
            return DiscReason.Invalid;
        }
    }
}
