using System.Net;
using System.Net.Sockets;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Ipc.Admin;

/// <summary>
/// An <see cref="RpcServer"/> served on one IPC endpoint: a Unix domain socket, a named pipe, or
/// loopback TCP. Start one with <see cref="StartAsync(RpcServer, EndPoint, TransportOptions?, ILogger?, CancellationToken)"/>;
/// dispose it to stop accepting and release the endpoint (a Unix socket file is deleted).
/// </summary>
/// <remarks>
/// The listener does the endpoint's housekeeping: a stale Unix socket file left by a process that
/// died is removed before binding (a live one, or a file that is not a socket, makes the start fail
/// with an <see cref="IOException"/> saying so), the bound file is made 0600, and a path longer than
/// the OS allows fails with an <see cref="ArgumentException"/> naming the limit. A missing parent
/// directory is created (owner-only), as geth does for its <c>geth.ipc</c>.
/// </remarks>
public sealed class IpcEndpoint : IAsyncDisposable
{
    private readonly ITransportListener _listener;
    private readonly CancellationTokenSource _stop;
    private readonly ILogger _logger;
    private int _disposed;

    private IpcEndpoint(ITransportListener listener, CancellationTokenSource stop, Task accepting, ILogger logger)
    {
        _listener = listener;
        _stop = stop;
        _logger = logger;
        Completion = accepting;
    }

    /// <summary>The endpoint served (for TCP port 0, the port the OS picked).</summary>
    public EndPoint EndPoint => _listener.EndPoint;

    /// <summary>The endpoint as <see cref="IpcAddress.Parse"/> reads it, for example a socket path or <c>tcp://127.0.0.1:8546</c>.</summary>
    public string Address => IpcAddress.Format(EndPoint);

    /// <summary>
    /// Completes when accepting ends, after <see cref="DisposeAsync"/> or when the <see cref="RpcServer"/>
    /// stops (the endpoint is then released at once); faults if accepting failed.
    /// </summary>
    public Task Completion { get; }

    /// <summary>
    /// Binds <paramref name="endPoint"/> and serves <paramref name="server"/> on it. Connections are
    /// served until they close or the server stops; disposing the endpoint only stops accepting new ones.
    /// </summary>
    /// <param name="server">The JSON-RPC server; it stays the caller's (disposing the endpoint does not stop it).</param>
    /// <param name="endPoint">
    /// A <see cref="UnixDomainSocketEndPoint"/>, a <see cref="NamedPipeEndPoint"/>, or a loopback
    /// <see cref="IPEndPoint"/> (port 0 picks a free port); see <see cref="IpcAddress"/>.
    /// </param>
    /// <param name="options">Transport settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives diagnostics; nothing is logged when null.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <returns>The endpoint, accepting connections.</returns>
    /// <exception cref="ArgumentException">
    /// The endpoint type is not supported, a TCP address is not loopback, or a socket path is too long.
    /// </exception>
    /// <exception cref="IOException">
    /// The endpoint cannot be bound: in use (another process listens on the socket), a file that is
    /// not a socket sits at the path, or the directory cannot be created.
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The socket's directory cannot be created or written.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="server"/> was stopped.</exception>
    public static async Task<IpcEndpoint> StartAsync(
        RpcServer server,
        EndPoint endPoint,
        TransportOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(endPoint);
        logger ??= NullLogger.Instance;
        ITransportListener listener = CreateListener(endPoint, options, logger);
        try
        {
            await listener.BindAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var stop = new CancellationTokenSource();
        Task serving;
        try
        {
            serving = server.ServeAsync(listener, stop.Token);
        }
        catch
        {
            stop.Dispose();
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var served = new IpcEndpoint(listener, stop, ReleaseAfterAsync(serving, listener), logger);
        logger.LogInformation("IPC endpoint opened: url={Url}", served.Address);
        return served;
    }

    /// <summary>
    /// Parses <paramref name="address"/> with <see cref="IpcAddress.TryParse"/> (a socket path,
    /// <c>\\.\pipe\name</c>, or <c>tcp://127.0.0.1:port</c>) and serves <paramref name="server"/> there
    /// as <see cref="StartAsync(RpcServer, EndPoint, TransportOptions?, ILogger?, CancellationToken)"/> does.
    /// </summary>
    /// <param name="server">The JSON-RPC server; it stays the caller's.</param>
    /// <param name="address">The endpoint text.</param>
    /// <param name="options">Transport settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives diagnostics; nothing is logged when null.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <returns>The endpoint, accepting connections.</returns>
    /// <exception cref="ArgumentException">
    /// The text names no endpoint, a TCP address is not loopback, or a socket path is too long; the message says which.
    /// </exception>
    /// <exception cref="IOException">The endpoint cannot be bound; the message says why.</exception>
    /// <exception cref="UnauthorizedAccessException">The socket's directory cannot be created or written.</exception>
    public static Task<IpcEndpoint> StartAsync(
        RpcServer server,
        string address,
        TransportOptions? options = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!IpcAddress.TryParse(address, out EndPoint? endPoint, out string? error))
        {
            throw new ArgumentException(error, nameof(address));
        }

        return StartAsync(server, endPoint, options, logger, cancellationToken);
    }

    /// <summary>
    /// Stops accepting and releases the endpoint (deleting a Unix socket file). Connections already
    /// accepted keep being served until they close or the <see cref="RpcServer"/> stops. Idempotent.
    /// </summary>
    /// <returns>A task that completes when the endpoint is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _listener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Accepting had already failed; Completion reported it to whoever watches.
            _logger.LogDebug(ex, "IPC accept loop on {Url} had failed.", Address);
        }

        await _listener.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _logger.LogInformation("IPC endpoint closed: url={Url}", Address);
    }

    /// <summary>
    /// Serves until accepting ends, then releases the endpoint: when the <see cref="RpcServer"/> stops
    /// first, clients must find nothing there rather than a socket that queues them and never answers.
    /// </summary>
    private static async Task ReleaseAfterAsync(Task serving, ITransportListener listener)
    {
        try
        {
            await serving.ConfigureAwait(false);
        }
        finally
        {
            await listener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static ITransportListener CreateListener(EndPoint endPoint, TransportOptions? options, ILogger logger)
    {
        switch (endPoint)
        {
            case NamedPipeEndPoint pipe:
                return new NamedPipeTransportListener(pipe, options, logger);

            case UnixDomainSocketEndPoint unix:
                string path = unix.ToString();

                // The abstract namespace ('@' on Linux) has no file and no directory.
                if (!path.StartsWith('@'))
                {
                    CreateDirectoryFor(path);
                }

                return new SocketTransportListener(unix, options, logger);

            case IPEndPoint ip when IPAddress.IsLoopback(ip.Address):
                return new SocketTransportListener(ip, options, logger);

            case IPEndPoint ip:
                throw new ArgumentException(
                    $"The IPC endpoint {ip} is not a loopback address; the node's API is served on 127.0.0.1 or ::1 only, as it has no authentication.",
                    nameof(endPoint));

            default:
                throw new ArgumentException(
                    $"An IPC endpoint is a UnixDomainSocketEndPoint, a NamedPipeEndPoint or a loopback IPEndPoint, not {endPoint.GetType().Name}.",
                    nameof(endPoint));
        }
    }

    private static void CreateDirectoryFor(string socketPath)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(socketPath));
        if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
