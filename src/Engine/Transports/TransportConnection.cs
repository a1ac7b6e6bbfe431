using System.IO.Pipelines;
using System.Net;

namespace Devp2p.Transports;

/// <summary>
/// One established byte stream (TCP, Unix domain socket, named pipe or in-memory) exposed as a
/// duplex pipe. The application reads <see cref="Transport"/>.Input and writes
/// <see cref="Transport"/>.Output; the transport owns the loops that move bytes between the pipes
/// and the underlying channel.
/// </summary>
/// <remarks>
/// Lifetime: the connection is live from the moment a listener or dialer returns it until
/// <see cref="DisposeAsync"/> (graceful) or <see cref="Abort"/> (abortive) is called, or the peer
/// ends it. When the peer closes gracefully, the input reader completes without an error; when the
/// peer resets, the input reader throws <see cref="ConnectionResetException"/>. Memory read from the
/// input pipe is borrowed until it is passed to <c>AdvanceTo</c>.
/// <para>
/// Sockets support a half-close: completing only <see cref="Transport"/>.Output sends end-of-stream
/// while the input keeps working. Named pipes have no half-close, so there the peer sees the end
/// only when the connection is closed or aborted.
/// </para>
/// </remarks>
public abstract class TransportConnection : IAsyncDisposable
{
    /// <summary>Time <see cref="DisposeAsync"/> allows a graceful close before it aborts the connection.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The pipe pair the application uses: read the peer's bytes from Input, write bytes for the peer to Output.</summary>
    public abstract IDuplexPipe Transport { get; }

    /// <summary>The local address of the connection, or <see langword="null"/> when the transport has none.</summary>
    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>The remote address of the connection, or <see langword="null"/> when the transport has none.</summary>
    public abstract EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Completes (never faults) once both directions have ended and the underlying channel is
    /// released, whichever side ended the connection.
    /// </summary>
    public abstract Task Closed { get; }

    /// <summary>
    /// Ends the connection at once: unsent output is dropped, the peer sees a reset where the
    /// transport can signal one, and a pending or later read of the local input throws
    /// <paramref name="reason"/> (or <see cref="ConnectionAbortedException"/> when it is null).
    /// Safe to call more than once and from any thread; only the first reason is kept.
    /// </summary>
    /// <param name="reason">Why the connection is aborted; surfaced to the local input reader.</param>
    public abstract void Abort(Exception? reason = null);

    /// <summary>
    /// Closes gracefully: completes the output, lets the send loop flush what was written, signals
    /// end-of-stream to the peer, stops reading and waits for the loops. If
    /// <paramref name="cancellationToken"/> fires first, the connection is aborted instead.
    /// The application must not use <see cref="Transport"/> after calling this. Bytes the peer sent
    /// that the application did not read are discarded; on TCP, closing with such bytes unread makes
    /// the kernel send a reset after the end-of-stream, as any socket close does.
    /// </summary>
    /// <param name="cancellationToken">Bounds the graceful phase; cancellation turns it into an abort.</param>
    /// <returns>A task that completes when the connection is fully closed.</returns>
    public abstract ValueTask CloseAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes gracefully as <see cref="CloseAsync"/> does, bounded by <see cref="DefaultCloseTimeout"/>.
    /// </summary>
    /// <returns>A task that completes when the connection is fully closed.</returns>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(DefaultCloseTimeout);
        await CloseAsync(timeout.Token).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
