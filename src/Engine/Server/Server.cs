using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using Devp2p.Enode;
using Devp2p.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p;

/// <summary>
/// Manages a node's peer connections, as go-ethereum's <c>p2p.Server</c>: it listens (TCP and
/// optionally a Unix socket), dials static nodes and node-source candidates, runs both handshakes
/// on every connection, admits peers under the limits of <see cref="ServerConfig"/>, and reports
/// peers coming and going as <see cref="PeerEvent"/>s.
/// </summary>
/// <remarks>
/// <para>
/// One loop owns the peer set (go-ethereum's <c>run</c>): connection setups, dials and peer
/// runners report to it through a channel of operations, and it alone adds and removes peers, so
/// every check (self, already connected, too many peers, the inbound share) sees a consistent set.
/// </para>
/// <para>
/// Lifetime: <see cref="Start"/> once, <see cref="Stop"/> (or dispose) once; a stopped server cannot
/// be started again. All members are thread-safe.
/// </para>
/// </remarks>
public sealed partial class Server : IAsyncDisposable
{
    private const int StateCreated = 0;
    private const int StateStarting = 1;
    private const int StateRunning = 2;
    private const int StateStopping = 3;

    private readonly ServerConfig _config;
    private readonly ILogger _log;
    private readonly object _stateLock = new();
    private readonly CancellationTokenSource _quit = new();
    private readonly ActivityTracker _activity = new();
    private readonly Channel<Action> _ops = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _startDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private Task? _stopTask;
    private Task _loopTask = Task.CompletedTask;
    private bool _loopStarted;

    // Fixed at start.
    private PeerOptions _peerOptions = null!;
    private EnodeUrl? _self;
    private NodeId _selfId;
    private INodeDialer _dialer = null!;
    private IReadOnlyList<IPNetwork>? _netRestrict;
    private InboundThrottle _throttle = null!;
    private SocketTransportListener? _tcpListener;
    private SocketTransportListener? _unixListener;
    private string _listenAddr = "";
    private int _maxPeers;
    private int _maxInbound;

    /// <summary>Creates a server; nothing runs until <see cref="Start"/>.</summary>
    /// <param name="config">The configuration; checked at start.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    public Server(ServerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _log = (config.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Devp2p.Server");
    }

    /// <summary>The configuration the server was created with.</summary>
    public ServerConfig Config => _config;

    /// <summary>Whether the server has started and not begun stopping.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == StateRunning;

    /// <summary>
    /// This node as an enode URL: our key, the advertised IP (<see cref="ServerConfig.ExternalAddress"/>,
    /// else the listen IP when specific, else 127.0.0.1), the real TCP listen port and the discovery
    /// port (0 with <see cref="ServerConfig.NoDiscovery"/>). Before start: 0.0.0.0 with port 0, as go-ethereum.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="ServerConfig.PrivateKey"/> is configured.</exception>
    public EnodeUrl Self => _self ?? new EnodeUrl(
        (_config.PrivateKey ?? throw new InvalidOperationException("ServerConfig.PrivateKey is not set.")).PublicKey,
        IPAddress.Any,
        0,
        0);

    /// <summary>
    /// The bound TCP listen address, for example "127.0.0.1:41234" (the real port when
    /// <see cref="ServerConfig.ListenAddr"/> asked for port 0) or "[::]:30303"; empty when not listening on TCP.
    /// </summary>
    public string ListenAddr => _listenAddr;

    /// <summary>The bound TCP endpoint, or null when not listening on TCP.</summary>
    public IPEndPoint? ListenEndPoint => _tcpListener?.EndPoint as IPEndPoint;

    /// <summary>The connected peers, a snapshot (go-ethereum's <c>Peers</c>).</summary>
    public IReadOnlyList<Peer> Peers => _peerSnapshot;

    /// <summary>How many peers are connected.</summary>
    public int PeerCount => _peerSnapshot.Length;

    /// <summary>
    /// go-ethereum's <c>MaxDialedConns</c>: the most peers we dial, MaxPeers / DialRatio and at least
    /// 1; 0 with <see cref="ServerConfig.NoDial"/>.
    /// </summary>
    public int MaxDialedConns => _config.NoDial ? 0 : Math.Max(1, _config.MaxPeers / Math.Max(1, _config.DialRatio));

    /// <summary>go-ethereum's <c>MaxInboundConns</c>: MaxPeers - <see cref="MaxDialedConns"/>.</summary>
    public int MaxInboundConns => _config.MaxPeers - MaxDialedConns;

    /// <summary>Starts the server: see <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the field.</exception>
    /// <exception cref="InvalidOperationException">The server was already started.</exception>
    /// <exception cref="IOException">A listen address cannot be bound.</exception>
    public void Start() => StartAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Checks the configuration, binds the listeners, and starts the loop, the accept loops and
    /// dialling. Returns once the server accepts connections.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start (the binds).</param>
    /// <returns>A task that completes when the server runs.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the field.</exception>
    /// <exception cref="InvalidOperationException">The server was already started (a server starts once).</exception>
    /// <exception cref="IOException">A listen address cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        IPEndPoint? listen = _config.Validate();
        lock (_stateLock)
        {
            if (_state != StateCreated)
            {
                throw new InvalidOperationException("The server was already started; a server starts once.");
            }

            _state = StateStarting;
        }

        try
        {
            await StartCoreAsync(listen, cancellationToken).ConfigureAwait(false);
            lock (_stateLock)
            {
                if (_state == StateStarting)
                {
                    _state = StateRunning;
                }
            }
        }
        catch
        {
            _startDone.TrySetResult();
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _startDone.TrySetResult();
        }
    }

    /// <summary>Stops the server: see <see cref="StopAsync"/>.</summary>
    public void Stop() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Stops listening and dialling, disconnects every peer with <see cref="DiscReason.Quitting"/>,
    /// aborts connections still in their handshakes, and completes when every peer has ended (its
    /// protocol tasks included) and the event streams are complete. Idempotent: every call, from any
    /// thread, waits for the same stop. Safe while connections are being set up.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait (not the stop itself).</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stop;
        lock (_stateLock)
        {
            if (_stopTask is null)
            {
                bool started = _state != StateCreated;
                _state = StateStopping;
                _stopTask = started ? StopCoreAsync() : StopUnstartedAsync();
            }

            stop = _stopTask;
        }

        return stop.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server (<see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Describes this node as go-ethereum's <c>NodeInfo</c> does (the JSON of <c>admin_nodeInfo</c>).
    /// </summary>
    /// <returns>A snapshot.</returns>
    public NodeInfo NodeInfo()
    {
        EnodeUrl self = Self;
        var protocols = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        foreach (Protocol protocol in _config.Protocols ?? [])
        {
            if (protocols.ContainsKey(protocol.Name))
            {
                continue;
            }

            object? info = protocol.NodeInfo is { } query ? query() : "unknown";
            protocols[protocol.Name] = info is null
                ? System.Text.Json.JsonSerializer.SerializeToElement<object?>(null)
                : System.Text.Json.JsonSerializer.SerializeToElement(info, info.GetType());
        }

        return new NodeInfo
        {
            Id = self.Id.ToString(),
            Name = _config.Name,
            Enode = self.ToString(),
            Ip = self.Ip?.ToString() ?? "",
            Ports = new NodeInfoPorts { Discovery = self.UdpPort, Listener = self.TcpPort },
            ListenAddr = _listenAddr,
            Protocols = protocols,
        };
    }

    /// <summary>The connected peers' <see cref="Peer.Info"/>, sorted by node ID (go-ethereum's <c>PeersInfo</c>).</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<PeerInfo> PeersInfo()
    {
        var infos = new List<PeerInfo>(PeerCount);
        foreach (Peer peer in Peers)
        {
            infos.Add(peer.Info());
        }

        infos.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return infos;
    }

    private async Task StartCoreAsync(IPEndPoint? listen, CancellationToken cancellationToken)
    {
        var key = _config.PrivateKey!;
        _selfId = NodeId.FromPublicKey(key.PublicKey);
        _netRestrict = _config.NetRestrict?.ToArray();
        _dialer = _config.Dialer ?? new TcpNodeDialer(_config.TransportOptions, _config.LoggerFactory?.CreateLogger("Devp2p.Transports"));
        _throttle = new InboundThrottle(_config.InboundThrottleTime, _config.ThrottleExemptsLan);
        _maxPeers = _config.MaxPeers;
        _maxInbound = MaxInboundConns;
        _peerOptions = new PeerOptions
        {
            PrivateKey = key,
            Name = _config.Name,
            Protocols = _config.Protocols.ToArray(),
            HandshakeTimeout = _config.HandshakeTimeout,
            FrameReadTimeout = _config.FrameReadTimeout,
            FrameWriteTimeout = _config.FrameWriteTimeout,
            PingInterval = _config.PingInterval,
            DisconnectLinger = _config.DisconnectLinger,
            InlineDispatch = _config.InlineDispatch,
            LoggerFactory = _config.LoggerFactory,
        };
        _dialScheduler = new DialScheduler(_selfId, MaxDialedConns, _config.MaxPendingPeers, _netRestrict, _config.RedialInterval, _config.MaxRedialInterval);
        foreach (EnodeUrl node in _config.TrustedNodes)
        {
            _trusted.Add(node.Id);
        }

        foreach (EnodeUrl node in _config.StaticNodes)
        {
            AddStaticOnLoop(node);
        }

        await BindListenersAsync(listen, cancellationToken).ConfigureAwait(false);
        _self = CreateSelf(key.PublicKey);
        _dialTimer = new Timer(static state => ((Server)state!).OnDialTimer(), this, Timeout.Infinite, Timeout.Infinite);
        _loopTask = Task.Run(RunLoopAsync, CancellationToken.None);
        _loopStarted = true;
        StartAcceptLoops();
        StartNodeSource();

        // Kick the loop once so static nodes are dialled.
        _ops.Writer.TryWrite(s_noOperation);
        _log.LogInformation("Started P2P networking, self={Self}", _self);
    }

    private EnodeUrl CreateSelf(Crypto.PublicKey key)
    {
        IPEndPoint? bound = ListenEndPoint;
        IPAddress ip = _config.ExternalAddress
            ?? (bound is not null && !bound.Address.Equals(IPAddress.Any) && !bound.Address.Equals(IPAddress.IPv6Any) ? bound.Address : IPAddress.Loopback);
        int tcp = bound?.Port ?? 0;
        int udp = _config.NoDiscovery ? 0 : tcp;
        return new EnodeUrl(key, ip, tcp, udp);
    }

    private async Task StopUnstartedAsync()
    {
        _activity.Close();
        await _quit.CancelAsync().ConfigureAwait(false);
        _ops.Writer.TryComplete();
        CompleteSubscribers();
    }

    private async Task StopCoreAsync()
    {
        // A stop that overtakes the start waits for it, so it tears down whatever the start built.
        await _startDone.Task.ConfigureAwait(false);
        _log.LogDebug("Stopping P2P networking");

        // No new setups or dials; those under way are cancelled (their handshakes abort).
        _activity.Close();
        await _quit.CancelAsync().ConfigureAwait(false);
        await UnbindListenersAsync().ConfigureAwait(false);
        _dialTimer?.Change(Timeout.Infinite, Timeout.Infinite);

        // On the loop, so no setup can slip a peer in afterwards: later checkpoints see _stopping.
        if (_loopStarted)
        {
            await InvokeOnLoopAsync(() =>
            {
                _stopping = true;
                foreach (PeerEntry entry in _peers.Values)
                {
                    entry.Peer.Disconnect(DiscReason.Quitting);
                }

                return true;
            }).ConfigureAwait(false);
        }

        // Setups, dials, accept loops and peer runners (each peer's protocol tasks) end.
        await _activity.Idle.ConfigureAwait(false);
        _ops.Writer.TryComplete();
        await _loopTask.ConfigureAwait(false);
        if (_dialTimer is not null)
        {
            await _dialTimer.DisposeAsync().ConfigureAwait(false);
        }

        CompleteSubscribers();
        _log.LogInformation("P2P networking stopped");
    }

    /// <summary>Throws unless the server has been started (stopping is fine: callers then no-op).</summary>
    private void ThrowIfNotStarted()
    {
        if (Volatile.Read(ref _state) is StateCreated or StateStarting)
        {
            throw new InvalidOperationException("The server has not been started.");
        }
    }

    private static readonly Action s_noOperation = static () => { };
}
