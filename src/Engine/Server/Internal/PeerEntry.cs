namespace Devp2p.Internal;

/// <summary>A member of the server's peer set: the peer, how it came, and a signal for its drop.</summary>
internal sealed class PeerEntry(Peer peer, DialKind kind)
{
    public Peer Peer { get; } = peer;

    public DialKind Kind { get; } = kind;

    /// <summary>Completes once the peer has left the set and its drop event went out.</summary>
    public TaskCompletionSource Dropped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
