using System.Collections.Immutable;
using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p;

/// <summary>
/// A connected remote node (go-ethereum's <c>p2p.Peer</c>) after both handshakes: it runs the base
/// protocol (Ping/Pong, Disconnect) and one task per shared subprotocol until either side ends it.
/// </summary>
/// <remarks>
/// <para>
/// Per peer there is one read loop (frames to protocol queues), one timer loop (Ping every
/// <see cref="PeerOptions.PingInterval"/>, read and write timeouts), and one task per protocol
/// running <see cref="Protocol.Run"/>. Writes from any task go straight to the connection, one whole
/// frame at a time.
/// </para>
/// <para>
/// Ending: the first of <see cref="Disconnect"/>, a Disconnect from the remote, a protocol's Run
/// returning or throwing, a bad frame, a timeout or a transport error decides the reason. We then
/// send Disconnect (unless the remote sent it or the network failed), close our output, keep
/// reading until the remote closes (bounded by <see cref="PeerOptions.DisconnectLinger"/>), close,
/// and wait for the protocol tasks; <see cref="Completion"/> then gives the reason.
/// </para>
/// </remarks>
public sealed partial class Peer
{
    private readonly RlpxConnection _connection;
    private readonly PeerOptions _options;
    private readonly ProtocolChannel[] _channels;
    private readonly TaskCompletionSource<PeerDisconnect> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _runCancellation = new();
    private Task<PeerDisconnect>? _completion;

    /// <summary>A peer over a connection whose handshake and Hello exchange are done; <see cref="Start"/> runs it.</summary>
    /// <param name="connection">The RLPx connection.</param>
    /// <param name="remoteHello">The remote's Hello.</param>
    /// <param name="matched">The protocols both sides run, with their code offsets.</param>
    /// <param name="inbound">Whether the remote dialled us.</param>
    /// <param name="options">Our settings.</param>
    /// <param name="id">The node ID of the remote key, when the caller has already hashed it.</param>
    internal Peer(RlpxConnection connection, Hello remoteHello, IReadOnlyList<MatchedProtocol> matched, bool inbound, PeerOptions options, NodeId? id = null)
    {
        _connection = connection;
        _options = options;
        RemoteHello = remoteHello;
        PublicKey = connection.RemotePublicKey;
        Id = id ?? NodeId.FromPublicKey(PublicKey);
        Inbound = inbound;
        LocalAddress = connection.Transport.LocalEndPoint;
        RemoteAddress = connection.Transport.RemoteEndPoint;
        Created = DateTime.UtcNow;
        Log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Devp2p.Peer");
        _logScope = $"peer {Id.TerminalString()} {RemoteAddress}";

        _channels = new ProtocolChannel[matched.Count];
        for (int i = 0; i < matched.Count; i++)
        {
            Protocol protocol = FindProtocol(options.Protocols, matched[i].Protocol);
            _channels[i] = new ProtocolChannel(this, connection, protocol, matched[i].Offset, options.ProtocolQueueCapacity, options.InlineDispatch);
        }
    }

    /// <summary>The remote node ID: keccak256 of its public key (go-ethereum's <c>enode.ID</c>).</summary>
    public NodeId Id { get; }

    /// <summary>The remote node's public key, proven by the RLPx handshake.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The remote client name from its Hello, for example "Geth/v1.14.0-stable/linux-amd64/go1.22".</summary>
    public string Name => RemoteHello.ClientName;

    /// <summary>The capabilities the remote advertised, in the order it sent them.</summary>
    public ImmutableArray<Cap> Caps => RemoteHello.Caps;

    /// <summary>The remote's Hello message.</summary>
    public Hello RemoteHello { get; }

    /// <summary>Whether the remote dialled us.</summary>
    public bool Inbound { get; }

    /// <summary>Our end of the connection, or null when the transport has no address.</summary>
    public EndPoint? LocalAddress { get; }

    /// <summary>The remote end of the connection, or null when the transport has no address.</summary>
    public EndPoint? RemoteAddress { get; }

    /// <summary>When the peer was set up (UTC).</summary>
    public DateTime Created { get; }

    /// <summary>A logger for this peer's events.</summary>
    public ILogger Log { get; }

    /// <summary>The protocols running on this peer, with their negotiated versions, in code-offset order.</summary>
    public IEnumerable<Protocol> RunningProtocols => _channels.Select(static c => c.Protocol);

    /// <summary>
    /// Completes when the peer has fully ended (Disconnect sent or received, connection closed,
    /// protocol tasks finished), with the reason. Never faults.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peer was never started (only possible for peers built by hand).</exception>
    public Task<PeerDisconnect> Completion => _completion ?? throw new InvalidOperationException("The peer has not been started.");

    /// <summary>Set by the Server for peers from TrustedNodes; shown in <see cref="Info"/>.</summary>
    public bool IsTrusted { get; internal set; }

    /// <summary>Set by the Server for peers it dials from StaticNodes; shown in <see cref="Info"/>.</summary>
    public bool IsStatic { get; internal set; }

    /// <summary>The token handed to every <see cref="Protocol.Run"/>: fires when the peer ends.</summary>
    internal CancellationToken RunToken => _runCancellation.Token;

    /// <summary>Whether the peer's end has been decided.</summary>
    internal bool IsEnding => _end.Task.IsCompleted;

    /// <summary>Ping messages received from the remote.</summary>
    internal long PingsReceived => Interlocked.Read(ref _pingsReceived);

    /// <summary>Pong messages received from the remote.</summary>
    internal long PongsReceived => Interlocked.Read(ref _pongsReceived);

    /// <summary>Called for every message sent and received on a protocol (the Server's message events), or null.</summary>
    internal IPeerObserver? Observer { get; set; }

    /// <summary>
    /// Ends the peer with <paramref name="reason"/> and returns at once; the Disconnect is sent and
    /// the connection closed in the background (await <see cref="Completion"/> for the end). Only the
    /// first reason counts, whoever gives it.
    /// </summary>
    /// <param name="reason">The reason sent to the remote.</param>
    public void Disconnect(DiscReason reason) => End(new PeerDisconnect(reason, false, null));

    /// <summary>Whether the peer runs protocol <paramref name="name"/> at one of <paramref name="versions"/> (go's <c>RunningCap</c>).</summary>
    /// <param name="name">The protocol name.</param>
    /// <param name="versions">Acceptable versions.</param>
    /// <returns>True when one of them runs.</returns>
    public bool RunningCap(string name, params ReadOnlySpan<uint> versions)
    {
        foreach (ProtocolChannel channel in _channels)
        {
            if (channel.Protocol.Name == name && versions.Contains(channel.Protocol.Version))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the id prefix and remote address, for example "Peer 3a514176 127.0.0.1:30303".</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => _logScope;

    internal PeerDisconnectedException CreateDisconnectedException()
    {
        PeerDisconnect end = _end.Task.IsCompletedSuccessfully ? _end.Task.Result : new PeerDisconnect(DiscReason.Requested, false, null);
        return new PeerDisconnectedException(end.Reason, end.RequestedByRemote, end.Error);
    }

    private static Protocol FindProtocol(IReadOnlyList<Protocol> protocols, ProtocolSpec spec)
    {
        foreach (Protocol protocol in protocols)
        {
            if (protocol.Name == spec.Name && protocol.Version == spec.Version)
            {
                return protocol;
            }
        }

        throw new InvalidOperationException($"Matched protocol {spec.Name}/{spec.Version} is not among ours.");
    }
}
