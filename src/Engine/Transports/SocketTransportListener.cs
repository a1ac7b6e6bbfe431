using System.Net;
using System.Net.Sockets;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Transports;

/// <summary>
/// Listens on a TCP endpoint (<see cref="IPEndPoint"/>, IPv4 or IPv6) or a Unix domain socket
/// (<see cref="UnixDomainSocketEndPoint"/>). For Unix sockets, a stale socket file from an earlier
/// process is removed before binding (a regular file never is), the bound file is restricted to
/// its owner (0600), and the file is deleted on unbind.
/// </summary>
public sealed class SocketTransportListener : ITransportListener
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly string? _unixPath;
    private Socket? _listenSocket;
    private bool _bound;

    /// <summary>Creates a listener; nothing is bound until <see cref="BindAsync"/>.</summary>
    /// <param name="endPoint">The TCP or Unix domain socket endpoint to listen on; TCP port 0 picks a free port.</param>
    /// <param name="options">Pipe and socket settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives listener and connection diagnostics; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">The endpoint type is unsupported, or the Unix socket path is longer than the OS allows.</exception>
    public SocketTransportListener(EndPoint endPoint, TransportOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint is not IPEndPoint and not UnixDomainSocketEndPoint)
        {
            throw new ArgumentException(
                $"The socket transport supports IPEndPoint and UnixDomainSocketEndPoint, not {endPoint.GetType().Name}.",
                nameof(endPoint));
        }

        if (endPoint is UnixDomainSocketEndPoint)
        {
            // ToString gives the path; an '@' prefix marks Linux's abstract namespace, which has no file.
            string path = endPoint.ToString()!;
            if (!path.StartsWith('@'))
            {
                UnixSocketFile.ValidatePath(path);
                _unixPath = path;
            }
        }

        EndPoint = endPoint;
        _options = options ?? TransportOptions.Default;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Creates a Unix domain socket listener for <paramref name="path"/>, checking the length first so an
    /// overlong path fails with a message that names the limit.
    /// </summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="options">Pipe and socket settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives diagnostics; nothing is logged when null.</param>
    /// <returns>An unbound listener.</returns>
    /// <exception cref="ArgumentException">The path is empty or longer than the OS allows (108 bytes on Linux, 104 on macOS, including the NUL).</exception>
    public static SocketTransportListener ForUnixSocket(string path, TransportOptions? options = null, ILogger? logger = null)
    {
        UnixSocketFile.ValidatePath(path);
        return new SocketTransportListener(new UnixDomainSocketEndPoint(path), options, logger);
    }

    /// <inheritdoc/>
    public EndPoint EndPoint { get; private set; }

    /// <inheritdoc/>
    public ValueTask BindAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_bound)
        {
            throw new InvalidOperationException("The listener is already bound; a listener binds once.");
        }

        Socket socket = SocketFactory.Create(EndPoint, _options);
        try
        {
            if (_unixPath is not null)
            {
                UnixSocketFile.RemoveStale(_unixPath);
            }
            else if (EndPoint is IPEndPoint ip && ip.Address.Equals(IPAddress.IPv6Any))
            {
                // [::] also accepts IPv4, as geth's listener on ":port" does.
                socket.DualMode = true;
            }

            try
            {
                socket.Bind(EndPoint);
            }
            catch (SocketException ex)
            {
                throw new IOException($"Cannot bind {EndPoint}: {ex.Message}", ex);
            }

            if (_unixPath is not null)
            {
                UnixSocketFile.RestrictToOwner(_unixPath);
            }

            socket.Listen(_options.ListenBacklog);
        }
        catch
        {
            socket.Dispose();
            if (_unixPath is not null && socket.IsBound)
            {
                UnixSocketFile.DeleteIfSocket(_unixPath);
            }

            throw;
        }

        if (_unixPath is null)
        {
            EndPoint = socket.LocalEndPoint!;
        }

        _listenSocket = socket;
        _bound = true;
        _logger.LogDebug("Listening on {EndPoint}.", EndPoint);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<TransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket? listenSocket = Volatile.Read(ref _listenSocket);
            if (listenSocket is null)
            {
                return null;
            }

            Socket accepted;
            try
            {
                accepted = await listenSocket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
            {
                // Unbound while waiting.
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The client gave up before we accepted; keep listening.
                _logger.LogDebug("A pending connection on {EndPoint} was reset before it was accepted.", EndPoint);
                continue;
            }

            if (_unixPath is null)
            {
                accepted.NoDelay = _options.NoDelay;
            }

            var connection = new SocketConnection(accepted, _options, _logger);
            connection.Start();
            return connection;
        }
    }

    /// <inheritdoc/>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Socket? socket = Interlocked.Exchange(ref _listenSocket, null);
        if (socket is not null)
        {
            socket.Dispose();
            if (_unixPath is not null)
            {
                UnixSocketFile.DeleteIfSocket(_unixPath);
            }

            _logger.LogDebug("Stopped listening on {EndPoint}.", EndPoint);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Unbinds the listener. Connections it accepted are not affected.</summary>
    /// <returns>A task that completes when the endpoint is released.</returns>
    public ValueTask DisposeAsync() => UnbindAsync(CancellationToken.None);
}
