namespace Devp2p.Ipc;

/// <summary>What the server does when a subscription's queue is full because the client reads too slowly.</summary>
public enum RpcSubscriptionOverflow
{
    /// <summary>
    /// End that subscription: queued items are dropped, the client gets a final notification whose
    /// params carry <c>"error": {"code": -32000, "message": "subscription queue overflow"}</c> in
    /// place of <c>"result"</c>, and the connection and its other subscriptions carry on.
    /// </summary>
    EndSubscription,

    /// <summary>
    /// Close the whole connection, which is where go-ethereum ends up with a client that does not
    /// read: its producer blocks on the socket write until the 10 s write timeout, then the write
    /// fails and the connection is dropped.
    /// </summary>
    CloseConnection,
}
