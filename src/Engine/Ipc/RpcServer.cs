using System.Collections.Concurrent;
using System.Text.Json;
using Devp2p.Ipc.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ObjectPool;

namespace Devp2p.Ipc;

/// <summary>
/// Serves JSON-RPC 2.0 over any transport the way go-ethereum's IPC endpoint does: each connection
/// carries a stream of concatenated JSON values (requests, notifications, batches) and gets one
/// newline-terminated JSON value per response. Serve a listener (Unix socket, named pipe, loopback
/// TCP) with <see cref="ServeAsync"/>, or a single connection, such as one end of an in-memory
/// pair, with <see cref="ServeConnectionAsync"/>.
/// </summary>
/// <remarks>
/// Calls on one connection may run concurrently and may be answered out of order; a batch runs
/// its calls in order and is answered with one array. A client that disconnects mid-request
/// affects only its own connection. Listener-specific concerns (stale Unix socket files, 0600
/// permissions, path length) belong to the listener, for example <see cref="SocketTransportListener.ForUnixSocket"/>.
/// </remarks>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ObjectPool<RpcResponseBuilder> _builders;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<RpcServerConnection, Task> _connections = new();
    private readonly ConcurrentDictionary<Task, byte> _acceptLoops = new();

    /// <summary>Creates a server; nothing is served until <see cref="ServeAsync"/> or <see cref="ServeConnectionAsync"/>.</summary>
    /// <param name="registry">The methods and subscriptions to serve; it may keep changing while serving.</param>
    /// <param name="options">Limits and timeouts; <see cref="RpcServerOptions.Default"/> when null.</param>
    /// <param name="logger">Receives connection diagnostics; nothing is logged when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RpcServer(RpcMethodRegistry registry, RpcServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        Options = options ?? RpcServerOptions.Default;
        Options.Validate();
        _logger = logger ?? NullLogger.Instance;
        _builders = new DefaultObjectPool<RpcResponseBuilder>(new BuilderPolicy(), Environment.ProcessorCount * 4);
        if (Options.ErrorDataTypeInfoResolver is not null)
        {
            ErrorDataOptions = new JsonSerializerOptions { TypeInfoResolver = Options.ErrorDataTypeInfoResolver };
            ErrorDataOptions.MakeReadOnly();
        }
    }

    /// <summary>The methods and subscriptions served.</summary>
    public RpcMethodRegistry Registry { get; }

    /// <summary>The server's settings.</summary>
    public RpcServerOptions Options { get; }

    /// <summary>Connections being served right now.</summary>
    public int ConnectionCount => _connections.Count;

    internal JsonSerializerOptions? ErrorDataOptions { get; }

    /// <summary>
    /// Accepts connections from a bound listener and serves each until it closes. The listener stays
    /// the caller's: this neither binds nor disposes it.
    /// </summary>
    /// <param name="listener">A listener on which <see cref="ITransportListener.BindAsync"/> has completed.</param>
    /// <param name="cancellationToken">Stops accepting; connections already accepted keep being served.</param>
    /// <returns>
    /// A task that completes when accepting ends: the listener was unbound, the token fired, or
    /// <see cref="StopAsync"/> was called. It faults if accepting fails for another reason.
    /// </returns>
    /// <exception cref="ObjectDisposedException">The server was stopped.</exception>
    public Task ServeAsync(ITransportListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        Task loop = AcceptLoopAsync(listener, cancellationToken);
        _acceptLoops.TryAdd(loop, 0);
        _ = loop.ContinueWith(
            static (task, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(task, out _),
            _acceptLoops,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return loop;
    }

    /// <summary>
    /// Serves one connection until the peer closes it, it breaks, or <see cref="StopAsync"/>. The
    /// server takes ownership and disposes it. When the peer half-closes (ends its output), calls
    /// already running still answer before the connection closes, as in geth.
    /// </summary>
    /// <param name="connection">The connection; owned by the server from now on.</param>
    /// <returns>A task that completes when the connection is closed; it never faults.</returns>
    public async Task ServeConnectionAsync(TransportConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_stopping.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var served = new RpcServerConnection(this, connection, _logger);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[served] = done.Task;
        _logger.LogDebug("Serving JSON-RPC on {Remote}.", connection.RemoteEndPoint);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                // StopAsync ran between the check above and the registration.
                served.Stop();
            }

            await served.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(served, out _);
            done.TrySetResult();
        }
    }

    /// <summary>
    /// Stops accepting, cancels running calls and subscriptions, closes every connection and waits
    /// for all of it. The server cannot serve again afterwards.
    /// </summary>
    /// <param name="cancellationToken">Stops the waiting (connections keep closing in the background).</param>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        foreach (RpcServerConnection connection in _connections.Keys)
        {
            connection.Stop();
        }

        var waits = new List<Task>(_connections.Values);
        waits.AddRange(_acceptLoops.Keys);
        try
        {
            await Task.WhenAll(waits).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An accept loop that faulted has already reported through its own task.
        }
    }

    /// <summary>Stops the server as <see cref="StopAsync"/> does.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public ValueTask DisposeAsync() => new(StopAsync());

    internal RpcResponseBuilder RentBuilder() => _builders.Get();

    internal void ReturnBuilder(RpcResponseBuilder builder) => _builders.Return(builder);

    private async Task AcceptLoopAsync(ITransportListener listener, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        _logger.LogDebug("Accepting JSON-RPC connections on {EndPoint}.", listener.EndPoint);
        while (true)
        {
            TransportConnection? connection;
            try
            {
                connection = await listener.AcceptAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                break;
            }

            if (connection is null)
            {
                break;
            }

            _ = ServeConnectionAsync(connection);
        }

        _logger.LogDebug("Stopped accepting JSON-RPC connections on {EndPoint}.", listener.EndPoint);
    }

    private sealed class BuilderPolicy : PooledObjectPolicy<RpcResponseBuilder>
    {
        public override RpcResponseBuilder Create() => new();

        public override bool Return(RpcResponseBuilder obj)
        {
            obj.Reset();
            return true;
        }
    }
}
