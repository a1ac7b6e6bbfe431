using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc;

/// <content>Subscription registration.</content>
public sealed partial class RpcMethodRegistry
{
    /// <summary>
    /// Registers a subscription: <c>{ns}_subscribe</c> with params <c>["{name}"]</c> answers with a
    /// subscription id, after which every item <paramref name="source"/> yields is sent as
    /// <c>{"jsonrpc":"2.0","method":"{ns}_subscription","params":{"subscription":id,"result":item}}</c>
    /// until <c>{ns}_unsubscribe</c>, the end of the source, or the end of the connection.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="ns">The namespace, for example "admin" (no underscore).</param>
    /// <param name="name">The subscription name, for example "peerEvents".</param>
    /// <param name="itemType">Serializes each item.</param>
    /// <param name="source">
    /// Called once per subscribe call (an exception fails that call); the sequence is enumerated only
    /// after the subscribe response is sent, and the token is canceled on unsubscribe or disconnect.
    /// The server never waits on the client while pulling items: a client too slow to keep up with a
    /// queue of <see cref="RpcServerOptions.SubscriptionQueueCapacity"/> items meets <see cref="RpcServerOptions.SubscriptionOverflow"/>.
    /// </param>
    /// <exception cref="ArgumentException">The namespace or name is malformed, or already registered.</exception>
    public void AddSubscription<T>(string ns, string name, JsonTypeInfo<T> itemType, Func<CancellationToken, IAsyncEnumerable<T>> source)
    {
        CheckSubscription(ns, name, itemType, source);
        RegisterSubscription(new RpcSubscriptionSource<T>(ns, name, itemType, source));
    }

    /// <summary>Registers a subscription that takes one argument after its name (as in <c>["logs", filter]</c>).</summary>
    /// <typeparam name="T1">The argument type.</typeparam>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="ns">The namespace (no underscore).</param>
    /// <param name="name">The subscription name.</param>
    /// <param name="parameter1Type">Decodes the argument; optional under the same rules as method parameters.</param>
    /// <param name="itemType">Serializes each item.</param>
    /// <param name="source">As in <see cref="AddSubscription{T}(string, string, JsonTypeInfo{T}, Func{CancellationToken, IAsyncEnumerable{T}})"/>, given the argument.</param>
    /// <exception cref="ArgumentException">The namespace or name is malformed, or already registered.</exception>
    public void AddSubscription<T1, T>(
        string ns,
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<T> itemType,
        Func<T1, CancellationToken, IAsyncEnumerable<T>> source)
    {
        CheckSubscription(ns, name, itemType, source);
        RegisterSubscription(new RpcSubscriptionSource<T1, T>(ns, name, RpcParameter<T1>.For(parameter1Type, source, 0), itemType, source));
    }

    private void RegisterSubscription(RpcSubscriptionSource source)
    {
        if (!_subscriptions.TryAdd((source.Namespace, source.Name), source))
        {
            throw new ArgumentException($"A subscription '{source.Name}' is already registered in namespace '{source.Namespace}'.", nameof(source));
        }
    }

    private static void CheckSubscription(string ns, string name, object itemType, object source)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(itemType);
        ArgumentNullException.ThrowIfNull(source);
        if (ns.Contains('_'))
        {
            throw new ArgumentException($"The namespace '{ns}' contains '_'; geth takes the namespace as the part of the method name before the first '_'.", nameof(ns));
        }
    }
}
