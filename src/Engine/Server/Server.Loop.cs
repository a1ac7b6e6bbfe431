using System.Collections.Immutable;
using Devp2p.Enode;
using Devp2p.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <content>
/// The loop that owns the peer set (go-ethereum's <c>run</c>): every field in this file is read
/// and written only by operations running on it.
/// </content>
public sealed partial class Server
{
    private readonly Dictionary<NodeId, PeerEntry> _peers = new();
    private readonly HashSet<NodeId> _trusted = new();
    private DialScheduler _dialScheduler = null!;
    private Timer? _dialTimer;
    private int _inboundCount;
    private bool _stopping;

    /// <summary>Published by the loop after every change, read lock-free by <see cref="Peers"/>.</summary>
    private ImmutableArray<Peer> _peerSnapshot = ImmutableArray<Peer>.Empty;

    /// <summary>
    /// Adds <paramref name="node"/> to the static nodes (go-ethereum's <c>AddPeer</c>): the server
    /// dials it when a dial slot is free and redials it whenever it drops, with the backoff of
    /// <see cref="ServerConfig.RedialInterval"/>. Returns at once. Ignored once the server stops.
    /// </summary>
    /// <param name="node">The node; it needs an IP or DNS name and a TCP port to be dialled.</param>
    /// <exception cref="InvalidOperationException">The server has not been started (use <see cref="ServerConfig.StaticNodes"/>).</exception>
    public void AddPeer(EnodeUrl node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfNotStarted();
        Post(() => AddStaticOnLoop(node));
    }

    /// <summary>
    /// Removes <paramref name="node"/> from the static nodes and disconnects it with
    /// <see cref="DiscReason.Requested"/> if connected; returns at once (see <see cref="RemovePeerAsync"/>).
    /// </summary>
    /// <param name="node">The node.</param>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public void RemovePeer(EnodeUrl node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfNotStarted();
        Post(() => RemoveStaticOnLoop(node.Id));
    }

    /// <summary>
    /// As <see cref="RemovePeer"/>, then waits until the peer has left the peer set and its drop
    /// event went out (go-ethereum's <c>RemovePeer</c> blocks the same way). Do not await it from the
    /// peer's own protocol task: it waits for that task.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the peer is gone (at once when it was not connected).</returns>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public async Task RemovePeerAsync(EnodeUrl node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfNotStarted();
        PeerEntry? entry;
        try
        {
            entry = await InvokeOnLoopAsync(() => RemoveStaticOnLoop(node.Id)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionRejectedException)
        {
            return;
        }

        if (entry is not null)
        {
            await entry.Dropped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds <paramref name="node"/> to the trusted nodes, which are admitted above
    /// <see cref="ServerConfig.MaxPeers"/> and the inbound share; a connected peer is marked trusted at once.
    /// </summary>
    /// <param name="node">The node (only its key matters).</param>
    /// <exception cref="InvalidOperationException">The server has not been started (use <see cref="ServerConfig.TrustedNodes"/>).</exception>
    public void AddTrustedPeer(EnodeUrl node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfNotStarted();
        NodeId id = node.Id;
        Post(() => SetTrustedOnLoop(id, true));
    }

    /// <summary>Removes <paramref name="node"/> from the trusted nodes; a connected peer stays connected.</summary>
    /// <param name="node">The node.</param>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public void RemoveTrustedPeer(EnodeUrl node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfNotStarted();
        NodeId id = node.Id;
        Post(() => SetTrustedOnLoop(id, false));
    }

    private async Task RunLoopAsync()
    {
        await foreach (Action operation in _ops.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                operation();
                if (!_stopping)
                {
                    ScheduleDials();
                }
            }
            catch (Exception ex)
            {
                // An operation failing is a bug; keep the loop (and the peers it owns) alive.
                _log.LogError(ex, "Server loop operation failed");
            }
        }
    }

    /// <summary>Queues <paramref name="operation"/> on the loop; dropped once the loop has ended.</summary>
    private void Post(Action operation) => _ops.Writer.TryWrite(operation);

    /// <summary>Runs <paramref name="operation"/> on the loop and returns its result.</summary>
    /// <exception cref="ConnectionRejectedException">The loop has ended (the server stopped).</exception>
    private Task<T> InvokeOnLoopAsync<T>(Func<T> operation)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = _ops.Writer.TryWrite(() =>
        {
            try
            {
                result.SetResult(operation());
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        });
        return queued ? result.Task : Task.FromException<T>(StoppedException());
    }

    private static ConnectionRejectedException StoppedException() =>
        new(ConnectionRejection.ServerStopped, "The server is not running.");

    /// <summary>
    /// go-ethereum's <c>postHandshakeChecks</c>, after the RLPx handshake: the remote's key is known.
    /// Two differences: self and already-connected come before the limits, since they say more
    /// about the connection than "too many peers"; and a dynamic dial that completes when
    /// <see cref="MaxDialedConns"/> dialled peers are already connected is refused (go-ethereum runs
    /// twice as many dials as missing peers and may overshoot; we keep the dialled share exact).
    /// </summary>
    private DiscReason? PostHandshakeChecks(NodeId id, DialKind kind)
    {
        bool inbound = kind == DialKind.Inbound;
        if (_stopping)
        {
            return DiscReason.Quitting;
        }

        if (id == _selfId)
        {
            return DiscReason.Self;
        }

        if (_peers.ContainsKey(id))
        {
            return DiscReason.AlreadyConnected;
        }

        bool trusted = _trusted.Contains(id);
        if (!trusted && _peers.Count >= _maxPeers)
        {
            return DiscReason.TooManyPeers;
        }

        if (!trusted && inbound && _inboundCount >= _maxInbound)
        {
            return DiscReason.TooManyPeers;
        }

        if (!trusted && kind == DialKind.Dynamic && _dialScheduler.DialedPeers >= MaxDialedConns)
        {
            return DiscReason.TooManyPeers;
        }

        return null;
    }

    /// <summary>
    /// go-ethereum's <c>addPeerChecks</c> after the Hello exchange (no shared protocol is a useless
    /// peer; then the post-handshake checks again, as the set may have changed), and on success
    /// <c>launchPeer</c>: the peer joins the set, the add event goes out, and the peer starts.
    /// </summary>
    private (Peer? Peer, DiscReason Reason) AddPeerOnLoop(RlpxConnection connection, NodeId id, Hello hello, List<MatchedProtocol> matched, DialKind kind)
    {
        if (_peerOptions.Protocols.Count > 0 && matched.Count == 0)
        {
            return (null, DiscReason.UselessPeer);
        }

        if (PostHandshakeChecks(id, kind) is { } reason)
        {
            return (null, reason);
        }

        var peer = new Peer(connection, hello, matched, kind == DialKind.Inbound, _peerOptions, id)
        {
            IsTrusted = _trusted.Contains(id),
            IsStatic = kind == DialKind.Static,
            Observer = this,
        };
        var entry = new PeerEntry(peer, kind);
        _peers.Add(id, entry);
        if (kind == DialKind.Inbound)
        {
            _inboundCount++;
        }

        _dialScheduler.PeerAdded(id, kind);
        PublishSnapshot();
        ServerMetrics.Peers.Add(1, ServerMetrics.Tag("direction", kind == DialKind.Inbound ? "inbound" : "outbound"));
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDebug("Adding {Peer} ({Kind}, trusted={Trusted}, name={Name}), peercount={Count}", peer, kind, peer.IsTrusted, peer.Name, _peers.Count);
        }

        // The add event goes out before the peer starts, so it precedes the peer's message events.
        Emit(new PeerEvent
        {
            Type = PeerEventType.Add,
            Peer = id,
            LocalAddress = peer.LocalAddress?.ToString(),
            RemoteAddress = peer.RemoteAddress?.ToString(),
        });

        // The runner is spawned by the setup that is waiting on this operation, so counting it cannot race Stop.
        _activity.Enter();
        peer.Start();
        _ = RunPeerAsync(entry);
        return (peer, default);
    }

    /// <summary>go-ethereum's <c>runPeer</c> tail: waits for the peer's end, then takes it out of the set.</summary>
    private async Task RunPeerAsync(PeerEntry entry)
    {
        try
        {
            PeerDisconnect end = await entry.Peer.Completion.ConfigureAwait(false);
            await InvokeOnLoopAsync(() => RemovePeerOnLoop(entry, end)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Removing peer {Peer} failed", entry.Peer);
        }
        finally
        {
            entry.Dropped.TrySetResult();
            _activity.Exit();
        }
    }

    private bool RemovePeerOnLoop(PeerEntry entry, PeerDisconnect end)
    {
        Peer peer = entry.Peer;
        if (!_peers.Remove(peer.Id))
        {
            return false;
        }

        if (entry.Kind == DialKind.Inbound)
        {
            _inboundCount--;
        }

        _dialScheduler.PeerRemoved(peer.Id, entry.Kind);
        PublishSnapshot();
        ServerMetrics.Peers.Add(-1, ServerMetrics.Tag("direction", entry.Kind == DialKind.Inbound ? "inbound" : "outbound"));
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDebug("Removing {Peer}, duration={Duration}, reason: {Reason}, peercount={Count}", peer, DateTime.UtcNow - peer.Created, end, _peers.Count);
        }

        // After the removal, so a subscriber that reacts to the drop sees a consistent Peers.
        Emit(new PeerEvent
        {
            Type = PeerEventType.Drop,
            Peer = peer.Id,
            Error = end.ToString(),
            Reason = end.Reason,
            LocalAddress = peer.LocalAddress?.ToString(),
            RemoteAddress = peer.RemoteAddress?.ToString(),
        });
        return true;
    }

    private void PublishSnapshot()
    {
        var builder = ImmutableArray.CreateBuilder<Peer>(_peers.Count);
        foreach (PeerEntry entry in _peers.Values)
        {
            builder.Add(entry.Peer);
        }

        ImmutableInterlocked.InterlockedExchange(ref _peerSnapshot, builder.MoveToImmutable());
    }

    private void AddStaticOnLoop(EnodeUrl node)
    {
        if (_dialScheduler.AddStatic(node) is { } refused)
        {
            _log.LogWarning("Removing static dial candidate {Node}: {Reason}", node, refused);
        }
        else
        {
            _log.LogTrace("Adding static node {Node}", node);
        }
    }

    private PeerEntry? RemoveStaticOnLoop(NodeId id)
    {
        _dialScheduler.RemoveStatic(id);
        if (_peers.TryGetValue(id, out PeerEntry? entry))
        {
            entry.Peer.Disconnect(DiscReason.Requested);
            return entry;
        }

        return null;
    }

    private void SetTrustedOnLoop(NodeId id, bool trusted)
    {
        if (trusted)
        {
            _trusted.Add(id);
        }
        else
        {
            _trusted.Remove(id);
        }

        if (_peers.TryGetValue(id, out PeerEntry? entry))
        {
            entry.Peer.IsTrusted = trusted;
        }
    }
}
