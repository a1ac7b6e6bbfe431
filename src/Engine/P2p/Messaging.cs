using System.Buffers;
using System.Runtime.CompilerServices;
using Devp2p.Framing.Rlp;
using Devp2p.Internal;

namespace Devp2p;

/// <summary>
/// go-ethereum's message helpers <c>p2p.Send</c>, <c>p2p.SendItems</c> and <c>p2p.ExpectMsg</c>, as
/// extension methods on <see cref="IMsgWriter"/> and <see cref="IMsgReader"/>.
/// </summary>
public static class Messaging
{
    /// <summary>
    /// Encodes <paramref name="data"/> as RLP into a pooled buffer and writes it as message
    /// <paramref name="code"/> (go's <c>p2p.Send</c>). Allocates nothing in steady state.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="writer">The protocol's writer.</param>
    /// <param name="code">The message code within the protocol.</param>
    /// <param name="data">The message content.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the message is written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is outside the protocol's Length, or the message is too large.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask SendAsync<T>(this IMsgWriter writer, ulong code, T data, CancellationToken cancellationToken = default)
        where T : IRlpEncodable
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = data.GetRlpLength();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            int written = RlpCodec.Encode(data, buffer);
            await writer.WriteMsgAsync(code, buffer.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes message <paramref name="code"/> whose payload is the RLP list of <paramref name="items"/> (go's <c>p2p.SendItems</c>).</summary>
    /// <param name="writer">The protocol's writer.</param>
    /// <param name="code">The message code within the protocol.</param>
    /// <param name="items">The list elements.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the message is written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is outside the protocol's Length, or the message is too large.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone.</exception>
    public static ValueTask SendItemsAsync(this IMsgWriter writer, ulong code, IReadOnlyList<RlpItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return writer.SendAsync(code, new RlpItemList(items), cancellationToken);
    }

    /// <summary>Writes message <paramref name="code"/> whose payload is the RLP list of <paramref name="items"/> (go's <c>p2p.SendItems</c>).</summary>
    /// <param name="writer">The protocol's writer.</param>
    /// <param name="code">The message code within the protocol.</param>
    /// <param name="items">The list elements.</param>
    /// <returns>A task that completes when the message is written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is outside the protocol's Length, or the message is too large.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone.</exception>
    public static ValueTask SendItemsAsync(this IMsgWriter writer, ulong code, params RlpItem[] items) =>
        writer.SendItemsAsync(code, (IReadOnlyList<RlpItem>)items, CancellationToken.None);

    /// <summary>
    /// Reads the next message and checks that its code is <paramref name="code"/>; the payload is
    /// discarded (go's <c>p2p.ExpectMsg</c> with nil content).
    /// </summary>
    /// <param name="reader">The protocol's reader.</param>
    /// <param name="code">The expected code.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the expected message has arrived.</returns>
    /// <exception cref="UnexpectedMsgException">The next message has another code.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone.</exception>
    public static async ValueTask ExpectMsgAsync(this IMsgReader reader, ulong code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using Msg msg = await reader.ReadMsgAsync(cancellationToken).ConfigureAwait(false);
        CheckCode(msg, code);
    }

    /// <summary>
    /// Reads the next message and checks that its code is <paramref name="code"/> and its payload is
    /// exactly the RLP encoding of <paramref name="content"/> (go's <c>p2p.ExpectMsg</c>).
    /// </summary>
    /// <typeparam name="T">The content type.</typeparam>
    /// <param name="reader">The protocol's reader.</param>
    /// <param name="code">The expected code.</param>
    /// <param name="content">The expected content.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the expected message has arrived.</returns>
    /// <exception cref="UnexpectedMsgException">The next message has another code or payload; the message says which, in hex.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone.</exception>
    public static async ValueTask ExpectMsgAsync<T>(this IMsgReader reader, ulong code, T content, CancellationToken cancellationToken = default)
        where T : IRlpEncodable
    {
        ArgumentNullException.ThrowIfNull(reader);
        using Msg msg = await reader.ReadMsgAsync(cancellationToken).ConfigureAwait(false);
        CheckCode(msg, code);
        byte[] expected = RlpCodec.EncodeToArray(content);
        if (!msg.Payload.SequenceEqual(expected))
        {
            throw new UnexpectedMsgException(
                $"message payload mismatch:\ngot:  {Convert.ToHexStringLower(msg.Payload)}\nwant: {Convert.ToHexStringLower(expected)}");
        }
    }

    private static void CheckCode(in Msg msg, ulong code)
    {
        if (msg.Code != code)
        {
            throw new UnexpectedMsgException($"message code mismatch: got {msg.Code}, expected {code}");
        }
    }
}
