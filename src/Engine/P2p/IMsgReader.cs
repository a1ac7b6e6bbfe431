namespace Devp2p;

/// <summary>Reads messages of one protocol on one peer: go-ethereum's <c>p2p.MsgReader</c>.</summary>
public interface IMsgReader
{
    /// <summary>
    /// Waits for the next message. The caller owns the returned <see cref="Msg"/> and must dispose it.
    /// Several tasks may call this at once; each message goes to exactly one of them, in arrival order.
    /// </summary>
    /// <param name="cancellationToken">Cancels this wait only.</param>
    /// <returns>The message, with a code relative to the protocol (0 to Length - 1).</returns>
    /// <exception cref="PeerDisconnectedException">The peer is gone; the exception carries the reason.</exception>
    /// <exception cref="MsgPipeClosedException">On a <see cref="MsgPipe"/> end: the pipe was closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    ValueTask<Msg> ReadMsgAsync(CancellationToken cancellationToken = default);
}
