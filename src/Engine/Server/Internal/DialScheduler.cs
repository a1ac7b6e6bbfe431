using System.Net;
using Devp2p.Enode;

namespace Devp2p.Internal;

/// <summary>
/// The dial state of go-ethereum's <c>dialScheduler</c>: static nodes with their redial backoff,
/// running dials, the dial history, and the count of dialled peers that bounds the free slots.
/// </summary>
/// <remarks>
/// Not thread-safe: only the server's loop calls it, which is what makes its view of the peer set
/// consistent with the loop's. Times are <see cref="Environment.TickCount64"/> milliseconds.
/// </remarks>
internal sealed class DialScheduler
{
    /// <summary>Doublings of the static backoff before the cap surely applies; guards the shift.</summary>
    private const int MaxBackoffShift = 20;

    private readonly NodeId _self;
    private readonly int _maxDialPeers;
    private readonly int _maxActiveDials;
    private readonly IReadOnlyList<IPNetwork>? _netRestrict;
    private readonly long _redialMs;
    private readonly long _maxRedialMs;
    private readonly Dictionary<NodeId, StaticNode> _static = new();
    private readonly HashSet<NodeId> _dialing = new();
    private readonly HashSet<NodeId> _connected = new();
    private readonly Dictionary<NodeId, long> _history = new();
    private readonly List<StaticNode> _candidates = new();
    private int _dialedPeers;

    public DialScheduler(NodeId self, int maxDialPeers, int maxActiveDials, IReadOnlyList<IPNetwork>? netRestrict, TimeSpan redialInterval, TimeSpan maxRedialInterval)
    {
        _self = self;
        _maxDialPeers = maxDialPeers;
        _maxActiveDials = maxActiveDials;
        _netRestrict = netRestrict;
        _redialMs = (long)redialInterval.TotalMilliseconds;
        _maxRedialMs = (long)maxRedialInterval.TotalMilliseconds;
    }

    /// <summary>Dials that may start now: twice the missing dialled peers (go-ethereum), within the active-dial limit, minus the running ones. May be negative.</summary>
    public int FreeSlots => Math.Min((_maxDialPeers - _dialedPeers) * 2, _maxActiveDials) - _dialing.Count;

    /// <summary>Connected peers that we dialled.</summary>
    public int DialedPeers => _dialedPeers;

    /// <summary>Whether <paramref name="id"/> is a static node.</summary>
    public bool IsStatic(NodeId id) => _static.ContainsKey(id);

    /// <summary>Adds a static node, or updates its address; returns why it was refused, or null.</summary>
    public string? AddStatic(EnodeUrl node)
    {
        if (node.Id == _self)
        {
            return "is self";
        }

        if (node.Ip is { } ip && !NetRestrict.Allows(_netRestrict, ip))
        {
            return "not contained in netrestrict list";
        }

        if (_static.TryGetValue(node.Id, out StaticNode? existing))
        {
            existing.Node = node;
        }
        else
        {
            _static.Add(node.Id, new StaticNode(node));
        }

        return null;
    }

    /// <summary>Removes a static node and forgets its dial history, so adding it again dials at once.</summary>
    public bool RemoveStatic(NodeId id)
    {
        _history.Remove(id);
        return _static.Remove(id);
    }

    /// <summary>A peer joined the set.</summary>
    public void PeerAdded(NodeId id, DialKind kind)
    {
        _connected.Add(id);
        if (kind != DialKind.Inbound)
        {
            _dialedPeers++;
        }

        if (_static.TryGetValue(id, out StaticNode? node))
        {
            // Connected: the failure backoff resets; only go-ethereum's dial history still applies.
            node.Failures = 0;
            node.NotBefore = node.LastDialStart == 0 ? 0 : node.LastDialStart + _redialMs;
        }
    }

    /// <summary>A peer left the set.</summary>
    public void PeerRemoved(NodeId id, DialKind kind)
    {
        _connected.Remove(id);
        if (kind != DialKind.Inbound)
        {
            _dialedPeers--;
        }
    }

    /// <summary>A dial ended; <paramref name="connected"/> when it produced a peer.</summary>
    public void DialDone(NodeId id, bool connected)
    {
        _dialing.Remove(id);
        if (!connected && _static.TryGetValue(id, out StaticNode? node))
        {
            node.Failures++;
        }
    }

    /// <summary>
    /// Picks the static nodes to dial now (at random when there are more than free slots), marks
    /// them dialling and starts their backoff. Returns null when there are none.
    /// </summary>
    public List<EnodeUrl>? TakeStaticDials(long now)
    {
        int slots = FreeSlots;
        if (slots <= 0 || _static.Count == 0)
        {
            return null;
        }

        _candidates.Clear();
        foreach (StaticNode node in _static.Values)
        {
            if (CheckDial(node.Node) is null && node.NotBefore <= now)
            {
                _candidates.Add(node);
            }
        }

        if (_candidates.Count == 0)
        {
            return null;
        }

        if (_candidates.Count > slots)
        {
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_candidates));
        }

        var result = new List<EnodeUrl>(Math.Min(slots, _candidates.Count));
        for (int i = 0; i < _candidates.Count && i < slots; i++)
        {
            StaticNode node = _candidates[i];
            node.LastDialStart = now;
            node.NotBefore = now + Backoff(node.Failures);
            _dialing.Add(node.Node.Id);
            result.Add(node.Node);
        }

        _candidates.Clear();
        return result;
    }

    /// <summary>Why a node-source candidate must not be dialled now, or null.</summary>
    public string? CheckDynamic(EnodeUrl node, long now)
    {
        if (CheckDial(node) is { } reason)
        {
            return reason;
        }

        if (_history.TryGetValue(node.Id, out long expiry))
        {
            if (expiry > now)
            {
                return "recently dialed";
            }

            _history.Remove(node.Id);
        }

        if (_static.TryGetValue(node.Id, out StaticNode? staticNode) && staticNode.NotBefore > now)
        {
            return "recently dialed";
        }

        return null;
    }

    /// <summary>Marks a dynamic dial as running and enters it in the history.</summary>
    public void StartDynamic(EnodeUrl node, long now)
    {
        _dialing.Add(node.Id);
        _history[node.Id] = now + _redialMs;
        if (_history.Count > 4 * Math.Max(_maxActiveDials, 16))
        {
            ExpireHistory(now);
        }
    }

    /// <summary>When the next static node becomes dialable (for the wake-up timer), or null when none waits.</summary>
    public long? NextStaticDue(long now)
    {
        long? next = null;
        foreach (StaticNode node in _static.Values)
        {
            if (node.NotBefore > now && CheckDial(node.Node) is null && (next is null || node.NotBefore < next))
            {
                next = node.NotBefore;
            }
        }

        return next;
    }

    /// <summary>go-ethereum's <c>checkDial</c> without the history (each caller applies its own).</summary>
    private string? CheckDial(EnodeUrl node)
    {
        if (node.Id == _self)
        {
            return "is self";
        }

        if (!node.HasAddress)
        {
            return "node has no address (needs discovery to resolve)";
        }

        if (node.TcpPort == 0)
        {
            return "node does not provide TCP port";
        }

        if (_dialing.Contains(node.Id))
        {
            return "already dialing";
        }

        if (_connected.Contains(node.Id))
        {
            return "already connected";
        }

        if (node.Ip is { } ip && !NetRestrict.Allows(_netRestrict, ip))
        {
            return "not contained in netrestrict list";
        }

        return null;
    }

    private long Backoff(int failures) => failures >= MaxBackoffShift ? _maxRedialMs : Math.Min(_redialMs << failures, _maxRedialMs);

    private void ExpireHistory(long now)
    {
        List<NodeId>? expired = null;
        foreach ((NodeId id, long expiry) in _history)
        {
            if (expiry <= now)
            {
                (expired ??= new()).Add(id);
            }
        }

        if (expired is not null)
        {
            foreach (NodeId id in expired)
            {
                _history.Remove(id);
            }
        }
    }
}
