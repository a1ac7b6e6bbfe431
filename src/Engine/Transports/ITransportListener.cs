using System.Net;

namespace Devp2p.Transports;

/// <summary>
/// Accepts inbound connections on one endpoint. Call <see cref="BindAsync"/> once, then
/// <see cref="AcceptAsync"/> in a loop until it returns <see langword="null"/>.
/// </summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>
    /// The endpoint the listener was asked for before binding, and the bound endpoint afterwards
    /// (for TCP with port 0 this carries the port the OS picked).
    /// </summary>
    EndPoint EndPoint { get; }

    /// <summary>Binds the endpoint and starts listening.</summary>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <returns>A task that completes once the listener accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The listener is already bound or was disposed.</exception>
    /// <exception cref="ArgumentException">The endpoint is not usable (for example a Unix socket path that is too long).</exception>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    ValueTask BindAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the next inbound connection. The caller owns the returned connection and must dispose it.
    /// </summary>
    /// <param name="cancellationToken">Cancels this wait only; the listener stays bound.</param>
    /// <returns>The accepted connection, or <see langword="null"/> once the listener is unbound or disposed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    ValueTask<TransportConnection?> AcceptAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops listening and releases the endpoint (for Unix sockets, deletes the socket file). Pending and
    /// later <see cref="AcceptAsync"/> calls return <see langword="null"/>. Accepted connections stay open.
    /// </summary>
    /// <param name="cancellationToken">Cancels the unbind.</param>
    /// <returns>A task that completes when the endpoint is released.</returns>
    ValueTask UnbindAsync(CancellationToken cancellationToken = default);
}
