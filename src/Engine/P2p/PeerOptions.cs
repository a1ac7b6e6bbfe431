using Devp2p.Crypto;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <summary>
/// What a node brings to each of its peer connections: its key, its Hello contents, its protocols
/// and the connection timeouts. The Server fills it from its configuration; code that sets up peers
/// itself (<see cref="Peer.ConnectAsync"/>) passes one directly.
/// </summary>
public sealed record PeerOptions
{
    /// <summary>go-ethereum's <c>frameReadTimeout</c>: a frame must arrive within this time of the read starting. Pings every 15 s keep a healthy peer inside it.</summary>
    public static readonly TimeSpan DefaultFrameReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>go-ethereum's <c>frameWriteTimeout</c>: a frame must be taken by the transport within this time.</summary>
    public static readonly TimeSpan DefaultFrameWriteTimeout = TimeSpan.FromSeconds(20);

    /// <summary>go-ethereum's <c>pingInterval</c>.</summary>
    public static readonly TimeSpan DefaultPingInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long, after our Disconnect is sent (or the remote's received), we keep reading until the
    /// remote closes, so it reads our last frame rather than a reset. go-ethereum's
    /// <c>discWriteTimeout</c> is 1 s for the write alone; we allow 2 s for write and linger.
    /// </summary>
    public static readonly TimeSpan DefaultDisconnectLinger = TimeSpan.FromSeconds(2);

    /// <summary>Our node key. Required. The options do not own it: the caller disposes it after the peers end.</summary>
    public required PrivateKey PrivateKey { get; init; }

    /// <summary>Our client name in Hello, for example "devp2p-cs/v0.1.0/linux-x64".</summary>
    public string Name { get; init; } = "devp2p-cs";

    /// <summary>Our subprotocols, advertised in Hello in this order.</summary>
    public IReadOnlyList<Protocol> Protocols { get; init; } = [];

    /// <summary>The TCP port advertised in Hello; 0 (go-ethereum's choice) says nothing.</summary>
    public ulong ListenPort { get; init; }

    /// <summary>Bounds each of the two handshakes (RLPx, then Hello). Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = RlpxConnection.DefaultHandshakeTimeout;

    /// <summary>A peer whose next frame does not arrive within this time is dropped with <see cref="DiscReason.ReadTimeout"/>. Default 30 s.</summary>
    public TimeSpan FrameReadTimeout { get; init; } = DefaultFrameReadTimeout;

    /// <summary>A peer that does not take our frame within this time is dropped with <see cref="DiscReason.NetworkError"/>. Default 20 s.</summary>
    public TimeSpan FrameWriteTimeout { get; init; } = DefaultFrameWriteTimeout;

    /// <summary>How often we send Ping. Default 15 s.</summary>
    public TimeSpan PingInterval { get; init; } = DefaultPingInterval;

    /// <summary>See <see cref="DefaultDisconnectLinger"/>.</summary>
    public TimeSpan DisconnectLinger { get; init; } = DefaultDisconnectLinger;

    /// <summary>The largest message payload accepted or sent, after decompression. Default and maximum 2^24 - 1.</summary>
    public int MaxMessageSize { get; init; } = RlpxConnection.DefaultMaxMessageSize;

    /// <summary>How many received messages may wait per protocol before the peer's read loop waits for the protocol (back-pressure). Default 16.</summary>
    public int ProtocolQueueCapacity { get; init; } = 16;

    /// <summary>
    /// Hands each received message to a protocol that is already waiting in
    /// <see cref="IMsgReader.ReadMsgAsync"/> on the peer's read loop itself, instead of resuming the
    /// protocol apart from the read loop. Default <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// By default a woken protocol resumes apart from the read loop. Over TCP and Unix sockets it
    /// runs on the thread that received its message, right after that receive step, once the
    /// socket's next receive is armed and the read loop is parked: no extra thread wake-up, and a
    /// protocol that blocks still leaves the peer reading. Over other transports (in-memory, named
    /// pipes, streams), and when the receive step goes on with more input, it is queued to the
    /// thread pool. With this option the protocol runs inside the read loop, before the next receive
    /// is armed: a little less latency over sockets (see perf-results/vs-ethereumjs.md) and a thread
    /// hop less per message on the other transports. The price is that the protocol's code after the
    /// read, up to its next <see langword="await"/> that does not complete at once, runs on the read
    /// loop, and this peer reads nothing meanwhile (no other protocol's messages, no Pings). So turn
    /// it on only when every protocol handles a message quickly and never blocks: a synchronous wait
    /// on this same peer (say <c>PingAsync().Wait()</c>) would never finish. go-ethereum's read loop
    /// also waits for the protocol, but only until it takes the message. Like Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>, it trades isolation for latency.
    /// </remarks>
    public bool InlineDispatch { get; init; }

    /// <summary>
    /// The base protocol version we advertise in Hello: 5 (snappy). Lower values exist for
    /// benchmarks and tests that need an uncompressed connection.
    /// </summary>
    internal ulong BaseProtocolVersion { get; init; } = BaseProtocol.Version;

    /// <summary>Where peers log; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks every field; the message names the one that is wrong.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    public void Validate()
    {
        if (PrivateKey is null)
        {
            throw new ArgumentException("PeerOptions.PrivateKey is required: the node key that identifies this node.", nameof(PrivateKey));
        }

        CheckPositive(HandshakeTimeout, nameof(HandshakeTimeout));
        CheckPositive(FrameReadTimeout, nameof(FrameReadTimeout));
        CheckPositive(FrameWriteTimeout, nameof(FrameWriteTimeout));
        CheckPositive(PingInterval, nameof(PingInterval));
        if (DisconnectLinger < TimeSpan.Zero)
        {
            throw new ArgumentException($"PeerOptions.DisconnectLinger must not be negative (was {DisconnectLinger}).", nameof(DisconnectLinger));
        }

        if (MaxMessageSize < 1 || MaxMessageSize > RlpxConnection.DefaultMaxMessageSize)
        {
            throw new ArgumentException($"PeerOptions.MaxMessageSize must be 1 to {RlpxConnection.DefaultMaxMessageSize} (was {MaxMessageSize}).", nameof(MaxMessageSize));
        }

        if (ProtocolQueueCapacity < 1)
        {
            throw new ArgumentException($"PeerOptions.ProtocolQueueCapacity must be at least 1 (was {ProtocolQueueCapacity}).", nameof(ProtocolQueueCapacity));
        }

        ArgumentNullException.ThrowIfNull(Protocols, nameof(Protocols));
        foreach (Protocol protocol in Protocols)
        {
            protocol.Validate();
        }
    }

    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"PeerOptions.{name} must be positive (was {value}).", name);
        }
    }
}
