namespace Devp2p.Internal;

/// <summary>Receives a peer's protocol message traffic (the Server's msgsend/msgrecv events and counters).</summary>
internal interface IPeerObserver
{
    /// <summary>A protocol message was sent (<paramref name="sent"/>) or received, with its protocol-relative code and payload size.</summary>
    void OnMessage(Peer peer, Protocol protocol, ulong code, int size, bool sent);
}
