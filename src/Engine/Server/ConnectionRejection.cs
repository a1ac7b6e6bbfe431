namespace Devp2p;

/// <summary>Why the server closed a connection before any handshake (so no Disconnect reason went on the wire).</summary>
public enum ConnectionRejection
{
    /// <summary>The server is not running (stopped or stopping).</summary>
    ServerStopped,

    /// <summary>The remote IP is outside <see cref="ServerConfig.NetRestrict"/>.</summary>
    NetRestrict,

    /// <summary><see cref="ServerConfig.MaxPendingPeers"/> inbound connections are already in their handshakes.</summary>
    TooManyPending,

    /// <summary>The same remote IP connected within <see cref="ServerConfig.InboundThrottleTime"/>.</summary>
    InboundThrottled,
}
