using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <summary>
/// How a <see cref="Server"/> runs: go-ethereum's <c>p2p.Config</c> (same field names and
/// meanings), plus a Unix socket for local peers, the timeouts, the dialer and node source, and a
/// logger factory. Checked when the server starts; a bad value fails <see cref="Server.Start"/>
/// with a message that names the field.
/// </summary>
/// <remarks>
/// The server copies the lists at start, so changing a list afterwards has no effect; use
/// <see cref="Server.AddPeer"/> and <see cref="Server.AddTrustedPeer"/> on a running server.
/// </remarks>
public sealed partial record ServerConfig
{
    /// <summary>go-ethereum's <c>defaultMaxPendingPeers</c>.</summary>
    public const int DefaultMaxPendingPeers = 50;

    /// <summary>go-ethereum's <c>defaultDialRatio</c>: a third of the slots are for peers we dial.</summary>
    public const int DefaultDialRatio = 3;

    /// <summary>go-ethereum's <c>defaultDialTimeout</c>.</summary>
    public static readonly TimeSpan DefaultDialTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// go-ethereum's <c>dialHistoryExpiration</c> (<c>inboundThrottleTime</c> + 5 s): a node is not
    /// dialled again within this time of the previous dial's start, so our redial is never caught by
    /// the remote's inbound throttle.
    /// </summary>
    public static readonly TimeSpan DefaultRedialInterval = TimeSpan.FromSeconds(35);

    /// <summary>The cap of the doubling redial backoff for a static node whose dials keep failing (our addition; go-ethereum stays at 35 s).</summary>
    public static readonly TimeSpan DefaultMaxRedialInterval = TimeSpan.FromMinutes(5);

    /// <summary>go-ethereum's <c>inboundThrottleTime</c>.</summary>
    public static readonly TimeSpan DefaultInboundThrottleTime = TimeSpan.FromSeconds(30);

    /// <summary>The node key. Required. Not owned: dispose it after the server has stopped.</summary>
    public PrivateKey? PrivateKey { get; init; }

    /// <summary>The most peers connected at once (trusted peers may exceed it). Must be &gt; 0. Default 50 (geth's <c>--maxpeers</c> default).</summary>
    public int MaxPeers { get; init; } = 50;

    /// <summary>
    /// The most connections in their handshakes, per direction: inbound connections beyond it are
    /// closed on accept, before any crypto; at most this many dials run at once. Default 50.
    /// </summary>
    public int MaxPendingPeers { get; init; } = DefaultMaxPendingPeers;

    /// <summary>
    /// The share of <see cref="MaxPeers"/> for peers we dial: MaxPeers / DialRatio dialled peers at
    /// most (at least 1 unless <see cref="NoDial"/>); the rest of the slots take inbound peers. Default 3.
    /// </summary>
    public int DialRatio { get; init; } = DefaultDialRatio;

    /// <summary>Disables discovery. Discovery does not exist yet; this only sets the advertised UDP port to 0 (as geth's <c>--nodiscover</c> does).</summary>
    public bool NoDiscovery { get; init; }

    /// <summary>The client name sent in Hello.</summary>
    public string Name { get; init; } = "devp2p-cs";

    /// <summary>Bootstrap nodes for discovery. Kept for go-ethereum parity; unused until discovery exists.</summary>
    public IReadOnlyList<EnodeUrl> BootstrapNodes { get; init; } = [];

    /// <summary>Nodes we always keep connected: dialled at start and redialled after they drop (see <see cref="RedialInterval"/>).</summary>
    public IReadOnlyList<EnodeUrl> StaticNodes { get; init; } = [];

    /// <summary>Nodes admitted above <see cref="MaxPeers"/> and the inbound share.</summary>
    public IReadOnlyList<EnodeUrl> TrustedNodes { get; init; } = [];

    /// <summary>
    /// When set, only these networks are connected, inbound and outbound (go-ethereum's
    /// <c>netutil.Netlist</c>); connections without an IP (Unix socket, in-memory) are not restricted.
    /// </summary>
    public IReadOnlyList<IPNetwork>? NetRestrict { get; init; }

    /// <summary>The subprotocols offered to every peer, advertised in Hello in this order.</summary>
    public IReadOnlyList<Protocol> Protocols { get; init; } = [];

    /// <summary>
    /// The TCP listen address, "ip:port" ("0.0.0.0:30303", "[::1]:30303") or ":port" for every
    /// interface; port 0 picks a free port (read the real one from <see cref="Server.ListenAddr"/>).
    /// Null or empty: no TCP listener.
    /// </summary>
    public string? ListenAddr { get; init; }

    /// <summary>A Unix domain socket path to listen on for local peers as well, or null.</summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Never dial: neither static nodes nor node-source candidates.</summary>
    public bool NoDial { get; init; }

    /// <summary>Emit <see cref="PeerEventType.MsgSend"/> and <see cref="PeerEventType.MsgRecv"/> events for every protocol message.</summary>
    public bool EnableMsgEvents { get; init; }

    /// <summary>Opens outbound connections; <see cref="TcpNodeDialer"/> when null.</summary>
    public INodeDialer? Dialer { get; init; }

    /// <summary>Candidates for dynamic dials (discovery plugs in here); none when null.</summary>
    public INodeSource? NodeSource { get; init; }

    /// <summary>
    /// The IP advertised in <see cref="Server.Self"/> and <see cref="Server.NodeInfo"/> (geth's
    /// <c>--nat extip:</c>). When null: the listen IP if specific, otherwise 127.0.0.1 (geth's fallback).
    /// </summary>
    public IPAddress? ExternalAddress { get; init; }

    /// <summary>Where the server and its peers log; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Pipe and socket settings for listeners and the default dialer; <see cref="TransportOptions.Default"/> when null.</summary>
    public TransportOptions? TransportOptions { get; init; }

    /// <summary>Bounds each handshake (RLPx, then Hello). Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = RlpxConnection.DefaultHandshakeTimeout;

    /// <summary>Bounds a dial's connect. Default 15 s.</summary>
    public TimeSpan DialTimeout { get; init; } = DefaultDialTimeout;

    /// <summary>See <see cref="PeerOptions.InlineDispatch"/>: protocols resume on their peer's read loop. Default <see langword="false"/>.</summary>
    public bool InlineDispatch { get; init; }

    /// <summary>See <see cref="PeerOptions.FrameReadTimeout"/>. Default 30 s.</summary>
    public TimeSpan FrameReadTimeout { get; init; } = PeerOptions.DefaultFrameReadTimeout;

    /// <summary>See <see cref="PeerOptions.FrameWriteTimeout"/>. Default 20 s.</summary>
    public TimeSpan FrameWriteTimeout { get; init; } = PeerOptions.DefaultFrameWriteTimeout;

    /// <summary>See <see cref="PeerOptions.PingInterval"/>. Default 15 s.</summary>
    public TimeSpan PingInterval { get; init; } = PeerOptions.DefaultPingInterval;

    /// <summary>See <see cref="PeerOptions.DisconnectLinger"/>. Default 2 s.</summary>
    public TimeSpan DisconnectLinger { get; init; } = PeerOptions.DefaultDisconnectLinger;

    /// <summary>
    /// The redial backoff base. A node is not dialled again within this time of the start of the
    /// previous dial to it (go-ethereum's dial history, 35 s). For a static node whose dials fail in
    /// a row the wait doubles with each failure (35 s, 70 s, 140 s, 280 s, ...) up to
    /// <see cref="MaxRedialInterval"/>; a successful connection resets it. So a static peer that
    /// drops after being connected for 35 s or more is redialled at once.
    /// </summary>
    public TimeSpan RedialInterval { get; init; } = DefaultRedialInterval;

    /// <summary>The cap of the static redial backoff. Default 5 min.</summary>
    public TimeSpan MaxRedialInterval { get; init; } = DefaultMaxRedialInterval;

    /// <summary>
    /// go-ethereum's inbound throttle: a second inbound connection from the same IP within this
    /// time is closed on accept. Loopback and LAN addresses are exempt, as in go-ethereum. Default 30 s.
    /// </summary>
    public TimeSpan InboundThrottleTime { get; init; } = DefaultInboundThrottleTime;

    /// <summary>Whether LAN and loopback addresses skip the inbound throttle (go-ethereum: yes). Tests turn it off.</summary>
    internal bool ThrottleExemptsLan { get; init; } = true;
}
