using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// A <c>_subscribe</c> call. Its response is decoded on the read loop, and the subscription is
/// registered there too, before the next message is read: the server sends the first notification
/// right after the response, and it must find the subscription (geth's <c>handleResponse</c> does
/// the same).
/// </summary>
internal sealed class PendingSubscribe<T>(
    long id,
    string ns,
    JsonTypeInfo<T> itemType,
    int capacity,
    Action<ClientSubscription> register,
    Action<ClientSubscription> forget)
    : PendingCall<ClientSubscription<T>>(id, null!)
{
    protected override ClientSubscription<T> Decode(ReadOnlySpan<byte> resultJson)
    {
        string subscriptionId = JsonSerializer.Deserialize(resultJson, RpcJsonContext.Default.String)
            ?? throw new JsonException("The subscribe response carries no subscription id.");
        var subscription = new ClientSubscription<T>(ns, subscriptionId, itemType, capacity, forget);
        register(subscription);
        return subscription;
    }
}
