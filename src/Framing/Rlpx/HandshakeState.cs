namespace Devp2p.Framing.Rlpx;

/// <summary>Where a handshake object is; each role uses the subset that applies to it.</summary>
internal enum HandshakeState
{
    /// <summary>Initiator: the auth is not yet written. Recipient: waiting for the auth.</summary>
    Initial,

    /// <summary>Initiator only: the auth is written; waiting for the ack.</summary>
    AwaitingAck,

    /// <summary>Recipient only: the auth is read and checked; the ack is to be written.</summary>
    AwaitingAckWrite,

    /// <summary>The secrets are derived.</summary>
    Complete,

    /// <summary>A packet was rejected; only <c>Dispose</c> is allowed.</summary>
    Failed,

    /// <summary>Disposed.</summary>
    Disposed,
}
