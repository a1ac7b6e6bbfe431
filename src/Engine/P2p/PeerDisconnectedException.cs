namespace Devp2p;

/// <summary>
/// Thrown by reads and writes on a peer that has ended, and thrown by a protocol's
/// <see cref="Protocol.Run"/> to end its peer with a chosen reason (go-ethereum lets Run return a
/// <c>DiscReason</c> as its error).
/// </summary>
public sealed class PeerDisconnectedException : IOException
{
    /// <summary>Creates the exception for <paramref name="reason"/>.</summary>
    /// <param name="reason">Why the peer ended.</param>
    /// <param name="requestedByRemote">Whether the remote sent the Disconnect.</param>
    public PeerDisconnectedException(DiscReason reason, bool requestedByRemote = false)
        : base(requestedByRemote ? $"The remote peer disconnected: {reason.ToText()}." : $"Peer disconnected: {reason.ToText()}.")
    {
        Reason = reason;
        RequestedByRemote = requestedByRemote;
    }

    /// <summary>Creates the exception for <paramref name="reason"/> with the error that caused it.</summary>
    /// <param name="reason">Why the peer ended.</param>
    /// <param name="requestedByRemote">Whether the remote sent the Disconnect.</param>
    /// <param name="innerException">The error that ended the peer.</param>
    public PeerDisconnectedException(DiscReason reason, bool requestedByRemote, Exception? innerException)
        : base($"Peer disconnected: {reason.ToText()}{(innerException is null ? "" : ": " + innerException.Message)}", innerException)
    {
        Reason = reason;
        RequestedByRemote = requestedByRemote;
    }

    /// <summary>The disconnect reason.</summary>
    public DiscReason Reason { get; }

    /// <summary>Whether the remote sent the Disconnect (otherwise this side ended the connection).</summary>
    public bool RequestedByRemote { get; }
}
