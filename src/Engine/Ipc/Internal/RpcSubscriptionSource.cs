namespace Devp2p.Ipc.Internal;

/// <summary>A registered subscription: what <c>&lt;ns&gt;_subscribe</c> with this name starts.</summary>
internal abstract class RpcSubscriptionSource(string ns, string name)
{
    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    /// <summary>
    /// Decodes the arguments after the subscription name and creates the subscription, not yet
    /// started: it starts once the response carrying its id has been sent, so no notification can
    /// overtake that response (geth's <c>Notifier.activate</c>).
    /// </summary>
    /// <exception cref="RpcException">The params do not fit.</exception>
    public abstract ServerSubscription Create(ReadOnlySpan<byte> paramsJson, RpcServerConnection connection, string id);
}
