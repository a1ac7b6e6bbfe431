// Usage (node-ipc 9.2.1 compatible server; see also NodeIpcClient):
//
//   var config = new NodeIpcConfig { Id = "world", Retry = TimeSpan.FromMilliseconds(1500) };
//   await using var server = new NodeIpcServer(config, logger);
//   server.On("message", async (JsonElement data, NodeIpcSocket socket, CancellationToken ct) =>
//       await server.EmitAsync(socket, "message", data.GetString() + " world!", ct));
//   server.On("point", MyJsonContext.Default.Point, (Point? p, NodeIpcSocket socket) => { ... });
//   server.Connected += socket => { };                          // node-ipc 'connect'
//   server.SocketDisconnected += (socket, destroyedId) => { };   // 'socket.disconnected'
//   server.Error += (exception, socket) => { };                  // 'error' (bad JSON, oversize, handler threw)
//   server.Destroyed += () => { };                               // the server stopped
//   server.OnData((ReadOnlySequence<byte> bytes, NodeIpcSocket socket) => { });  // RawBuffer mode reads
//   await server.ServeAsync(ct);                      // Unix socket SocketRoot+AppSpace+Id (/tmp/app.world),
//                                                     // \\.\pipe\tmp-app.world on Windows
//   await server.ServeNetAsync("127.0.0.1", 8000, ct);               // TCP, or TLS when config.Tls is set
//   await server.ServeNetAsync("127.0.0.1", 8000, NodeIpcUdpType.Udp4, ct); // UDP
//   await server.BroadcastAsync("news", "hello all", ct);
//   await server.EmitAsync(server.GetUdpSocket(remoteEndPoint), "message", "hi", ct);  // UDP to any address
//   await server.StopAsync(ct);
//
// Emit overloads (server: socket first; client: without it): (type), (type, string? data),
// (type, JsonElement data), (type, T data, JsonTypeInfo<T>), EmitRawAsync(bytes | string).
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Devp2p.Ipc.NodeIpc.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// A server that speaks node-ipc 9.2.1's protocol (<c>ipc.serve</c> / <c>ipc.serveNet</c> and
/// <c>ipc.server</c>): JSON messages <c>{"type":..,"data":..}</c> each ended by
/// <see cref="NodeIpcConfig.Delimiter"/>, or raw bytes in <see cref="NodeIpcConfig.RawBuffer"/>
/// mode, over a Unix socket (a named pipe on Windows), TCP, TLS or UDP.
/// </summary>
/// <remarks>
/// <para>
/// Handlers registered with <c>On</c> run on the connection's receive loop, one message at a time
/// and in order; a handler's task is awaited before the next message of that connection is
/// handled, and different connections are handled concurrently. A <see cref="JsonElement"/> or
/// raw sequence given to a handler is borrowed from the receive buffer and is valid until the
/// handler returns (or its task completes): <c>Clone()</c> or copy it to keep it. An exception
/// from a handler raises <see cref="Error"/> and the connection keeps going.
/// </para>
/// <para>
/// Differences from node-ipc, all deliberate: lifecycle events are C# events, so a peer sending a
/// message typed <c>connect</c> or <c>error</c> reaches only <c>On("connect")</c> handlers, never
/// the events; <see cref="StopAsync"/> also closes connected sockets (node-ipc's <c>stop</c> only
/// closes the listener); a UDP broadcast reaches every address heard from (node-ipc's reaches
/// none); messages larger than <see cref="NodeIpcConfig.MaxMessageSize"/> close their connection.
/// </para>
/// </remarks>
public sealed partial class NodeIpcServer : IAsyncDisposable
{
    private readonly NodeIpcConfig _config;
    private readonly ILogger _logger;
    private readonly NodeIpcHandlerTable _handlers = new();
    private readonly NodeIpcDataHandlerList _dataHandlers = new();
    private readonly Action<Exception, NodeIpcSocket?> _reportError;
    private readonly Lock _gate = new();
    private readonly List<NodeIpcSocket> _connected = [];
    private readonly ConcurrentDictionary<NodeIpcSocket, Task> _running = new();
    private ITransportListener? _listener;
    private NodeIpcUdpEndpoint? _udp;
    private CancellationTokenSource? _stopping;
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopTask;
    private byte[] _delimiter;
    private bool _active;

    /// <summary>Creates a server; nothing is served until <c>ServeAsync</c> or <c>ServeNetAsync</c>.</summary>
    /// <param name="config">Settings; node-ipc's defaults when null. The server keeps the instance and reads it when serving.</param>
    /// <param name="logger">Receives diagnostics unless <see cref="NodeIpcConfig.Silent"/> is set; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="NodeIpcConfig.Validate"/>).</exception>
    public NodeIpcServer(NodeIpcConfig? config = null, ILogger? logger = null)
    {
        _config = config ?? new NodeIpcConfig();
        _config.Validate();
        _logger = _config.Silent ? NullLogger.Instance : logger ?? NullLogger.Instance;
        _reportError = ReportError;
        _delimiter = _config.DelimiterBytes();
    }

    /// <summary>A peer connected (node-ipc's <c>connect</c> event). Not raised for UDP, which has no connections.</summary>
    public event Action<NodeIpcSocket>? Connected;

    /// <summary>
    /// A connected peer went away (node-ipc's <c>socket.disconnected</c>): the socket, and the id it
    /// announced (node-ipc's <c>destroyedSocketID</c>), or null if it announced none.
    /// </summary>
    public event Action<NodeIpcSocket, string?>? SocketDisconnected;

    /// <summary>
    /// Something went wrong (node-ipc's <c>error</c>): a malformed or oversized message
    /// (<see cref="NodeIpcException"/>), a handler that threw, a reset connection, a failed TLS
    /// handshake. The socket is the one concerned, or null. The server keeps serving.
    /// </summary>
    public event Action<Exception, NodeIpcSocket?>? Error;

    /// <summary>The server stopped: the listener is closed and every connection has ended.</summary>
    public event Action? Destroyed;

    /// <summary>The settings this server uses.</summary>
    public NodeIpcConfig Config => _config;

    /// <summary>The bound endpoint while serving: a Unix socket, named pipe, or the IP endpoint with the real port (useful with port 0).</summary>
    public EndPoint? EndPoint { get; private set; }

    /// <summary>The Unix socket path (or the pipe's original path on Windows) while serving locally; null otherwise.</summary>
    public string? Path { get; private set; }

    /// <summary>Whether the server is serving.</summary>
    public bool IsServing
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>
    /// The peers a broadcast reaches, as a snapshot: connected stream sockets in accept order, or
    /// for UDP the addresses heard from (at most <see cref="NodeIpcConfig.MaxConnections"/>).
    /// </summary>
    public IReadOnlyList<NodeIpcSocket> Sockets
    {
        get
        {
            lock (_gate)
            {
                return _udp is not null ? [.. _udp.Peers] : [.. _connected];
            }
        }
    }

    /// <summary>
    /// Serves on the default local socket, <see cref="NodeIpcConfig.SocketRoot"/> +
    /// <see cref="NodeIpcConfig.AppSpace"/> + <see cref="NodeIpcConfig.Id"/> (node-ipc's <c>serve()</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes once the server accepts connections (node-ipc's <c>start</c>).</returns>
    /// <exception cref="InvalidOperationException">The server is already serving.</exception>
    /// <exception cref="ArgumentException">The path is too long for a Unix socket, or a setting is invalid.</exception>
    /// <exception cref="IOException">The path is in use, or is a file that is not a stale socket.</exception>
    public Task ServeAsync(CancellationToken cancellationToken = default) => ServeAsync(_config.SocketPathFor(_config.Id), cancellationToken);

    /// <summary>
    /// Serves on the Unix socket <paramref name="path"/> (node-ipc's <c>serve(path)</c>); on Windows
    /// on the named pipe node-ipc derives from it (<c>/tmp/app.world</c> is <c>\\.\pipe\tmp-app.world</c>).
    /// With <see cref="NodeIpcConfig.Unlink"/> a stale socket file is removed first.
    /// </summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes once the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server is already serving.</exception>
    /// <exception cref="ArgumentException">The path is empty or too long for a Unix socket, or a setting is invalid.</exception>
    /// <exception cref="IOException">The path is in use, or is a file that is not a stale socket.</exception>
    public async Task ServeAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        BeginServing();
        try
        {
            TransportOptions options = NodeIpcTransportOptions.For(_config);
            ITransportListener listener;
            if (OperatingSystem.IsWindows())
            {
                listener = new NamedPipeTransportListener(new NamedPipeEndPoint(NodeIpcPaths.PipeNameFor(path)), options, _logger);
            }
            else
            {
                if (!_config.Unlink && System.IO.Path.Exists(path))
                {
                    throw new IOException($"Cannot serve node-ipc on '{path}': the file exists and NodeIpcConfig.Unlink is false.");
                }

                listener = SocketTransportListener.ForUnixSocket(path, options, _logger);
            }

            await BindAsync(listener, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                OpenPermissions(path);
            }

            Path = path;
            _logger.LogInformation("node-ipc server listening on {Path}.", OperatingSystem.IsWindows() ? listener.EndPoint.ToString() : path);
        }
        catch
        {
            await AbortServingAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Serves TCP (TLS when <see cref="NodeIpcConfig.Tls"/> is set) on <see cref="NodeIpcConfig.NetworkHost"/>:<see cref="NodeIpcConfig.NetworkPort"/> (node-ipc's <c>serveNet()</c>).</summary>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes once the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server is already serving.</exception>
    /// <exception cref="IOException">The address is in use or cannot be resolved, or a TLS file cannot be read.</exception>
    public Task ServeNetAsync(CancellationToken cancellationToken = default) => ServeNetAsync(null, null, cancellationToken);

    /// <summary>Serves TCP, or TLS when <see cref="NodeIpcConfig.Tls"/> is set (node-ipc's <c>serveNet(host, port)</c>).</summary>
    /// <param name="host">The address or host name to bind; <see cref="NodeIpcConfig.NetworkHost"/> when null. A name binds its first address, IPv4 first.</param>
    /// <param name="port">The port; <see cref="NodeIpcConfig.NetworkPort"/> when null; 0 picks a free one (see <see cref="EndPoint"/>).</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes once the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server is already serving.</exception>
    /// <exception cref="ArgumentException">TLS is set without a certificate and key, or a setting is invalid.</exception>
    /// <exception cref="IOException">The address is in use or cannot be resolved, or a TLS file cannot be read.</exception>
    public async Task ServeNetAsync(string? host, int? port, CancellationToken cancellationToken = default)
    {
        BeginServing();
        try
        {
            IPEndPoint endPoint = await ResolveBindAsync(host, port, family: null, cancellationToken).ConfigureAwait(false);
            TransportOptions options = NodeIpcTransportOptions.For(_config);
            ITransportListener listener = _config.Tls is { } tls
                ? new NodeIpcTlsListener(endPoint, NodeIpcTls.ServerOptions(tls), _config.MaxConnections, options, ex => ReportError(ex, null), _logger)
                : new SocketTransportListener(endPoint, options, _logger);
            await BindAsync(listener, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("node-ipc {Kind} server listening on {EndPoint}.", _config.Tls is null ? "TCP" : "TLS", EndPoint);
        }
        catch
        {
            await AbortServingAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Serves UDP (node-ipc's <c>serveNet(host, port, 'udp4'|'udp6')</c>). Handlers get a socket for
    /// the sender's address, and emitting to it sends a datagram from the bound port.
    /// </summary>
    /// <param name="host">The address to bind; <see cref="NodeIpcConfig.NetworkHost"/> when null. For <see cref="NodeIpcUdpType.Udp4"/>, <c>::1</c> means 127.0.0.1.</param>
    /// <param name="port">The port; <see cref="NodeIpcConfig.NetworkPort"/> when null; 0 picks a free one.</param>
    /// <param name="udpType">IPv4 or IPv6.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes once the socket is bound.</returns>
    /// <exception cref="InvalidOperationException">The server is already serving.</exception>
    /// <exception cref="IOException">The address is in use, or the host has no address of the family.</exception>
    public async Task ServeNetAsync(string? host, int? port, NodeIpcUdpType udpType, CancellationToken cancellationToken = default)
    {
        BeginServing();
        try
        {
            string bindHost = host ?? _config.NetworkHost;
            if (udpType == NodeIpcUdpType.Udp4 && bindHost == "::1")
            {
                bindHost = "127.0.0.1";
            }

            IPEndPoint endPoint = await ResolveBindAsync(
                bindHost,
                port,
                udpType == NodeIpcUdpType.Udp4 ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6,
                cancellationToken).ConfigureAwait(false);
            var dispatcher = new NodeIpcDispatcher(_handlers, _dataHandlers, _reportError, captureId: true);
            var udp = new NodeIpcUdpEndpoint(endPoint, _config, dispatcher, _reportError, _logger);
            lock (_gate)
            {
                _udp = udp;
                EndPoint = udp.LocalEndPoint;
            }

            udp.Start();
            _logger.LogInformation("node-ipc UDP server listening on {EndPoint}.", udp.LocalEndPoint);
        }
        catch
        {
            await AbortServingAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A socket for any UDP address, to emit to a peer that has not sent anything yet (node-ipc's
    /// <c>emit({address, port}, ...)</c>). The socket is the same one handlers get for that address
    /// once it is known.
    /// </summary>
    /// <param name="remote">The peer's address and port.</param>
    /// <returns>The socket.</returns>
    /// <exception cref="InvalidOperationException">The server is not serving UDP.</exception>
    public NodeIpcSocket GetUdpSocket(IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        NodeIpcUdpEndpoint udp;
        lock (_gate)
        {
            udp = _udp ?? throw new InvalidOperationException("GetUdpSocket needs a server serving UDP (ServeNetAsync with a NodeIpcUdpType).");
        }

        return udp.GetPeer(remote);
    }

    /// <summary>
    /// Stops serving: closes the listener (removing a Unix socket file), closes every connection
    /// gracefully, waits for their handlers, then raises <see cref="SocketDisconnected"/> for each and
    /// <see cref="Destroyed"/>. The server can serve again afterwards. Does nothing when not serving.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the connections are still closed in the background.</param>
    /// <returns>A task that completes when everything is closed.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stop;
        lock (_gate)
        {
            if (!_active)
            {
                return;
            }

            stop = _stopTask ??= Task.Run(StopCoreAsync, CancellationToken.None);
        }

        await stop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes when everything is closed.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        ITransportListener? listener;
        NodeIpcUdpEndpoint? udp;
        CancellationTokenSource? stopping;
        lock (_gate)
        {
            listener = _listener;
            udp = _udp;
            stopping = _stopping;
        }

        if (stopping is not null)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await _acceptLoop.ConfigureAwait(false);
        if (udp is not null)
        {
            await udp.DisposeAsync().ConfigureAwait(false);
        }

        foreach (NodeIpcSocket socket in _running.Keys)
        {
            ((NodeIpcConnection)socket.Sender).RequestClose();
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(false);
        lock (_gate)
        {
            _listener = null;
            _udp = null;
            _stopping = null;
            _stopTask = null;
            EndPoint = null;
            Path = null;
            _active = false;
        }

        stopping?.Dispose();
        _logger.LogInformation("node-ipc server stopped.");
        RaiseDestroyed();
    }

    private void BeginServing()
    {
        _config.Validate();
        lock (_gate)
        {
            if (_active)
            {
                throw new InvalidOperationException("The node-ipc server is already serving; stop it before serving again.");
            }

            _active = true;
            _delimiter = _config.DelimiterBytes();
        }
    }

    private async Task AbortServingAsync()
    {
        ITransportListener? listener;
        NodeIpcUdpEndpoint? udp;
        lock (_gate)
        {
            listener = _listener;
            udp = _udp;
            _listener = null;
            _udp = null;
            EndPoint = null;
            _active = false;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (udp is not null)
        {
            await udp.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task BindAsync(ITransportListener listener, CancellationToken cancellationToken)
    {
        try
        {
            await listener.BindAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var stopping = new CancellationTokenSource();
        lock (_gate)
        {
            _listener = listener;
            _stopping = stopping;
            EndPoint = listener.EndPoint;
        }

        _acceptLoop = AcceptLoopAsync(listener, stopping.Token);
    }

    private async Task<IPEndPoint> ResolveBindAsync(string? host, int? port, System.Net.Sockets.AddressFamily? family, CancellationToken cancellationToken)
    {
        int bindPort = port ?? _config.NetworkPort;
        if (bindPort is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), bindPort, "A node-ipc port must be 0..65535.");
        }

        IPAddress[] addresses = await NodeIpcAddresses.ResolveAsync(host ?? _config.NetworkHost, family, cancellationToken).ConfigureAwait(false);
        return new IPEndPoint(addresses[0], bindPort);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void OpenPermissions(string path)
    {
        if (!_config.ReadableAll && !_config.WritableAll)
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(path);
        if (_config.ReadableAll)
        {
            mode |= UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        if (_config.WritableAll)
        {
            mode |= UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        }

        File.SetUnixFileMode(path, mode);
    }
}
