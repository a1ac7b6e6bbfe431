namespace Devp2p;

/// <summary>How a peer ended: the outcome of <see cref="Peer.Completion"/>.</summary>
/// <param name="Reason">The disconnect reason, sent or received.</param>
/// <param name="RequestedByRemote">Whether the remote sent the Disconnect; otherwise this side ended it.</param>
/// <param name="Error">The error that ended the peer (a frame error, a protocol's exception, a transport error), if any.</param>
public readonly record struct PeerDisconnect(DiscReason Reason, bool RequestedByRemote, Exception? Error)
{
    /// <summary>Returns for example "too many peers (remote)" or "breach of protocol: header-mac mismatch".</summary>
    /// <returns>The reason's text, who sent it, and the error message if any.</returns>
    public override string ToString() =>
        Reason.ToText() + (RequestedByRemote ? " (remote)" : "") + (Error is null ? "" : ": " + Error.Message);
}
