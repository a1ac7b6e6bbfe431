using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.NodeIpc.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// A client of a node-ipc 9.2.1 server (one <c>ipc.of[id]</c>): connects with
/// <see cref="ConnectToAsync(string, CancellationToken)"/> (Unix socket, a named pipe on Windows) or
/// <see cref="ConnectToNetAsync(string, string?, int?, CancellationToken)"/> (TCP, or TLS when
/// <see cref="NodeIpcConfig.Tls"/> is set), and reconnects after every close, waiting
/// <see cref="NodeIpcConfig.Retry"/>, until <see cref="NodeIpcConfig.MaxRetries"/> attempts in a
/// row failed, <see cref="NodeIpcConfig.StopRetrying"/> is set or <see cref="DisconnectAsync"/> is
/// called; then it is destroyed. One instance connects once.
/// </summary>
/// <remarks>
/// Events follow node-ipc: <see cref="Connected"/> on every (re)connect, <see cref="Error"/> on every
/// failed attempt and bad message, <see cref="Disconnected"/> after every close including failed
/// attempts, <see cref="Destroyed"/> once at the end. Handlers run on the receive loop in order; data
/// given to them is valid until they return (see <see cref="NodeIpcServer"/>). With TLS,
/// <see cref="Connected"/> follows the handshake (node-ipc raises it on the TCP connect).
/// </remarks>
public sealed partial class NodeIpcClient : IAsyncDisposable
{
    private readonly NodeIpcConfig _config;
    private readonly ILogger _logger;
    private readonly NodeIpcHandlerTable _handlers = new();
    private readonly NodeIpcDataHandlerList _dataHandlers = new();
    private readonly Action<Exception, NodeIpcSocket?> _reportError;
    private readonly Action _onReceived;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _syncTurn = new(1, 1);
    private readonly Lock _gate = new();
    private NodeIpcConnection? _current;
    private Task _run = Task.CompletedTask;
    private int _awaitingReply;
    private bool _started;
    private volatile bool _explicitlyDisconnected;

    /// <summary>Creates a client; nothing happens until a connect call.</summary>
    /// <param name="config">Settings; node-ipc's defaults when null. The retry settings are read live.</param>
    /// <param name="logger">Receives diagnostics unless <see cref="NodeIpcConfig.Silent"/> is set; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="NodeIpcConfig.Validate"/>).</exception>
    public NodeIpcClient(NodeIpcConfig? config = null, ILogger? logger = null)
    {
        _config = config ?? new NodeIpcConfig();
        _config.Validate();
        _logger = _config.Silent ? NullLogger.Instance : logger ?? NullLogger.Instance;
        _reportError = (error, _) => ReportError(error);
        _onReceived = ReleaseSyncTurn;
    }

    /// <summary>Connected, first time or again (node-ipc's <c>connect</c>).</summary>
    public event Action? Connected;

    /// <summary>A connection closed or an attempt failed (node-ipc's <c>disconnect</c>), whether or not a retry follows.</summary>
    public event Action? Disconnected;

    /// <summary>
    /// Something went wrong (node-ipc's <c>error</c>): a failed attempt, a reset, a malformed or
    /// oversized message (<see cref="NodeIpcException"/>), a handler that threw.
    /// </summary>
    public event Action<Exception>? Error;

    /// <summary>The client gave up or was disconnected; no more attempts follow (node-ipc's <c>destroy</c>).</summary>
    public event Action? Destroyed;

    /// <summary>The settings this client uses.</summary>
    public NodeIpcConfig Config => _config;

    /// <summary>The id of the service connected to (node-ipc's key in <c>ipc.of</c>); null before a connect call.</summary>
    public string? Id { get; private set; }

    /// <summary>The Unix socket path connected to, for local connections.</summary>
    public string? Path { get; private set; }

    /// <summary>The host connected to, for TCP and TLS connections.</summary>
    public string? Host { get; private set; }

    /// <summary>The port connected to, for TCP and TLS connections.</summary>
    public int? Port { get; private set; }

    /// <summary>Whether a connection is up now.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsOpen: true };

    /// <summary>
    /// Completes when the client is destroyed, after its <see cref="Destroyed"/> event; already
    /// complete before the first connect call.
    /// </summary>
    public Task Completion => _run;

    /// <summary>Handles messages of <paramref name="type"/>; the data is valid until the handler returns.</summary>
    /// <param name="type">The message type (node-ipc's event name).</param>
    /// <param name="handler">Gets the data (kind Undefined when the message had none).</param>
    public void On(string type, Action<JsonElement> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On(type, (data, _) =>
        {
            handler(data);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles messages of <paramref name="type"/> asynchronously; the data is valid until the returned task completes.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="handler">Gets the data and a token that fires when the connection closes.</param>
    public void On(string type, Func<JsonElement, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(type, new NodeIpcElementHandler((data, _, ct) => handler(data, ct)));
    }

    /// <summary>Handles messages of <paramref name="type"/>, deserializing the data with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>; data that does not fit raises <see cref="Error"/>.</param>
    /// <param name="handler">Gets the data (default when the message had none).</param>
    public void On<T>(string type, JsonTypeInfo<T> typeInfo, Action<T?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On(type, typeInfo, (data, _) =>
        {
            handler(data);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles messages of <paramref name="type"/> asynchronously, deserializing the data with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>; data that does not fit raises <see cref="Error"/>.</param>
    /// <param name="handler">Gets the data and a token that fires when the connection closes.</param>
    public void On<T>(string type, JsonTypeInfo<T> typeInfo, Func<T?, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(type, new NodeIpcTypedHandler<T>(typeInfo, (data, _, ct) => handler(data, ct)));
    }

    /// <summary>Removes every handler of <paramref name="type"/>.</summary>
    /// <param name="type">The message type.</param>
    /// <returns>Whether there were any.</returns>
    public bool Off(string type) => _handlers.Remove(type);

    /// <summary>Handles reads in raw-buffer mode (node-ipc's <c>data</c> event); the bytes are borrowed until the handler returns.</summary>
    /// <param name="handler">Gets each read's bytes.</param>
    public void OnData(Action<ReadOnlySequence<byte>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        OnData((data, _) =>
        {
            handler(data);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles raw-buffer reads asynchronously; the bytes are borrowed until the returned task completes.</summary>
    /// <param name="handler">Gets each read's bytes and a token that fires when the connection closes.</param>
    public void OnData(Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _dataHandlers.Add((data, _, ct) => handler(data, ct));
    }

    /// <summary>
    /// Connects to service <paramref name="id"/> on its default local socket,
    /// <see cref="NodeIpcConfig.SocketRoot"/> + <see cref="NodeIpcConfig.AppSpace"/> + <paramref name="id"/>
    /// (node-ipc's <c>connectTo(id)</c>).
    /// </summary>
    /// <param name="id">The service id.</param>
    /// <param name="cancellationToken">Stops waiting for the first connection; the client is then disconnected.</param>
    /// <returns>A task that completes on the first successful connect; retrying goes on in the background afterwards.</returns>
    /// <exception cref="InvalidOperationException">This client already connected.</exception>
    /// <exception cref="IOException">The client was destroyed before it ever connected (retries exhausted, stopped).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task ConnectToAsync(string id, CancellationToken cancellationToken = default) => ConnectToAsync(id, null, cancellationToken);

    /// <summary>Connects to service <paramref name="id"/> on the Unix socket <paramref name="path"/> (node-ipc's <c>connectTo(id, path)</c>; a named pipe on Windows).</summary>
    /// <param name="id">The service id.</param>
    /// <param name="path">The socket path; the default path of <paramref name="id"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting for the first connection; the client is then disconnected.</param>
    /// <returns>A task that completes on the first successful connect.</returns>
    /// <exception cref="InvalidOperationException">This client already connected.</exception>
    /// <exception cref="IOException">The client was destroyed before it ever connected.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task ConnectToAsync(string id, string? path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        string target = path ?? _config.SocketPathFor(id);
        TransportOptions options = NodeIpcTransportOptions.For(_config);
        return StartAsync(
            id,
            target,
            ct => NodeIpcDialer.ConnectLocalAsync(target, options, _logger, ct),
            () => Path = target,
            cancellationToken);
    }

    /// <summary>Connects to service <paramref name="id"/> at <see cref="NodeIpcConfig.NetworkHost"/>:<see cref="NodeIpcConfig.NetworkPort"/> over TCP, or TLS when configured.</summary>
    /// <param name="id">The service id.</param>
    /// <param name="cancellationToken">Stops waiting for the first connection; the client is then disconnected.</param>
    /// <returns>A task that completes on the first successful connect.</returns>
    /// <exception cref="InvalidOperationException">This client already connected.</exception>
    /// <exception cref="IOException">The client was destroyed before it ever connected.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task ConnectToNetAsync(string id, CancellationToken cancellationToken = default) => ConnectToNetAsync(id, null, null, cancellationToken);

    /// <summary>Connects to service <paramref name="id"/> over TCP, or TLS when <see cref="NodeIpcConfig.Tls"/> is set (node-ipc's <c>connectToNet(id, host, port)</c>).</summary>
    /// <param name="id">The service id.</param>
    /// <param name="host">The host; <see cref="NodeIpcConfig.NetworkHost"/> when null. Its IPv4 addresses are tried first.</param>
    /// <param name="port">The port; <see cref="NodeIpcConfig.NetworkPort"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting for the first connection; the client is then disconnected.</param>
    /// <returns>A task that completes on the first successful connect (after the TLS handshake).</returns>
    /// <exception cref="InvalidOperationException">This client already connected.</exception>
    /// <exception cref="IOException">The client was destroyed before it ever connected.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task ConnectToNetAsync(string id, string? host, int? port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        string targetHost = host ?? _config.NetworkHost;
        int targetPort = port ?? _config.NetworkPort;
        if (targetPort is < 1 or > System.Net.IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), targetPort, "A node-ipc server port must be 1..65535.");
        }

        TransportOptions options = NodeIpcTransportOptions.For(_config);
        return StartAsync(
            id,
            $"{targetHost}:{targetPort}",
            ct => NodeIpcDialer.ConnectNetAsync(targetHost, targetPort, _config, options, _logger, ct),
            () =>
            {
                Host = targetHost;
                Port = targetPort;
            },
            cancellationToken);
    }

    /// <summary>
    /// Disconnects for good (node-ipc's <c>ipc.disconnect(id)</c>): no retry follows;
    /// <see cref="Disconnected"/> and <see cref="Destroyed"/> are raised. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the client still closes.</param>
    /// <returns>A task that completes when the client is destroyed.</returns>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        _explicitlyDisconnected = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        Volatile.Read(ref _current)?.RequestClose();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects (see <see cref="DisconnectAsync"/>).</summary>
    /// <returns>A task that completes when the client is destroyed.</returns>
    public async ValueTask DisposeAsync() => await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task StartAsync(string id, string target, Func<CancellationToken, ValueTask<TransportConnection>> dial, Action setTarget, CancellationToken cancellationToken)
    {
        _config.Validate();
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("This NodeIpcClient already connected; create another client for another connection.");
            }

            _started = true;
            Id = id;
            setTarget();
            _run = RunAsync(id, target, dial);
        }

        try
        {
            await _firstConnect.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(string id, string target, Func<CancellationToken, ValueTask<TransportConnection>> dial)
    {
        // Leave the caller's thread first: the caller holds the start lock.
        await Task.Yield();
        CancellationToken stop = _stop.Token;
        int? retriesRemaining = _config.MaxRetries;
        int attempts = 0;
        Exception? lastError = null;
        while (true)
        {
            attempts++;
            NodeIpcConnection? connection = null;
            try
            {
                _logger.LogDebug("Connecting to node-ipc service {Id} at {Target}.", id, target);
                TransportConnection transport = await dial(stop).ConfigureAwait(false);
                var dispatcher = new NodeIpcDispatcher(_handlers, _dataHandlers, _reportError, captureId: false);
                connection = new NodeIpcConnection(transport, _config, dispatcher, _reportError, _onReceived, _logger);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                lastError = ex;
                ReportError(ex);
            }

            if (connection is not null)
            {
                ReleaseSyncTurn();
                Volatile.Write(ref _current, connection);
                if (stop.IsCancellationRequested)
                {
                    // DisconnectAsync ran while this attempt was connecting.
                    connection.RequestClose();
                }

                retriesRemaining = _config.MaxRetries;
                _logger.LogDebug("Connected to node-ipc service {Id} at {Target}.", id, target);
                Raise(Connected);
                _firstConnect.TrySetResult();
                await connection.RunAsync().ConfigureAwait(false);
                Volatile.Write(ref _current, null);
            }

            bool giveUp = _explicitlyDisconnected || _config.StopRetrying || retriesRemaining is < 1;
            _logger.LogDebug("Connection to node-ipc service {Id} closed; {Retries} retries remaining.", id, retriesRemaining?.ToString() ?? "unlimited");
            Raise(Disconnected);
            if (giveUp)
            {
                break;
            }

            try
            {
                await Task.Delay(_config.Retry, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retriesRemaining--;
        }

        if (!_firstConnect.Task.IsCompleted)
        {
            _firstConnect.TrySetException(new IOException(
                $"Could not connect to node-ipc service '{id}' at {target} ({attempts} attempts): {lastError?.Message ?? "disconnected"}",
                lastError));
        }

        ReleaseSyncTurn();
        _logger.LogDebug("node-ipc client of {Id} destroyed.", id);
        Raise(Destroyed);
    }

    /// <summary>Sync mode: any received bytes answer the outstanding emit and let the next one go (node-ipc's <c>queue.next()</c>).</summary>
    private void ReleaseSyncTurn()
    {
        if (Interlocked.Exchange(ref _awaitingReply, 0) == 1)
        {
            _syncTurn.Release();
        }
    }

    private void ReportError(Exception error)
    {
        _logger.LogDebug(error, "node-ipc client error ({Id}).", Id);
        Action<Exception>? handlers = Error;
        if (handlers is null)
        {
            return;
        }

        foreach (Action<Exception> handler in handlers.GetInvocationList().Cast<Action<Exception>>())
        {
            try
            {
                handler(error);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A node-ipc client error handler threw.");
            }
        }
    }

    private void Raise(Action? handlers)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (Action handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception ex)
            {
                ReportError(ex);
            }
        }
    }
}
