namespace Devp2p.Ipc.Internal;

/// <summary>A subscription made by <see cref="RpcClient"/>, receiving notifications from the read loop.</summary>
internal abstract class ClientSubscription(string ns, string id)
{
    public string Namespace { get; } = ns;

    public string Id { get; } = id;

    /// <summary>Set when the server itself ended the subscription, so there is nothing to unsubscribe.</summary>
    public bool EndedByServer { get; set; }

    /// <summary>Takes one notification's result; runs on the read loop, so it never waits.</summary>
    public abstract void Deliver(ReadOnlySpan<byte> resultJson);

    /// <summary>Ends the subscription: the consumer sees <paramref name="error"/> after the items already queued.</summary>
    public abstract void Fail(Exception error);
}
