namespace Devp2p;

/// <summary>Writes messages of one protocol on one peer: go-ethereum's <c>p2p.MsgWriter</c>.</summary>
public interface IMsgWriter
{
    /// <summary>
    /// Sends one message. The payload is compressed (when the connection uses snappy) and sealed
    /// into a frame before the returned task completes; the caller may reuse the memory after that.
    /// Several tasks may write at once: each message goes out as one whole frame, never interleaved
    /// with another.
    /// </summary>
    /// <param name="code">The message code within the protocol: 0 to the protocol's Length - 1.</param>
    /// <param name="payload">The RLP-encoded content; at most 16 MiB - 1 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the connection; a cancelled write may tear the connection down.</param>
    /// <returns>A task that completes when the frame is handed to the transport.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is outside the protocol's Length, or the payload is too large.</exception>
    /// <exception cref="PeerDisconnectedException">The peer is gone; the exception carries the reason.</exception>
    /// <exception cref="MsgPipeClosedException">On a <see cref="MsgPipe"/> end: the pipe was closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    ValueTask WriteMsgAsync(ulong code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);
}
