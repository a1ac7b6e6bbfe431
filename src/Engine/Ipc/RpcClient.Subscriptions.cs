using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc;

/// <content>Subscriptions.</content>
public sealed partial class RpcClient
{
    /// <summary>
    /// Subscribes with <c>{ns}_subscribe</c> (params <c>[name, args…]</c>) when the enumeration
    /// starts, yields each notification's result, and sends <c>{ns}_unsubscribe</c> when the
    /// enumeration is disposed (breaking out of <c>await foreach</c> does that).
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="ns">The namespace, for example "admin".</param>
    /// <param name="name">The subscription name, for example "peerEvents".</param>
    /// <param name="itemType">Decodes each item.</param>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <param name="args">Arguments after the subscription name.</param>
    /// <returns>The notifications, in the order they arrive.</returns>
    /// <exception cref="RpcException">
    /// The subscribe call failed (for example no such subscription, code -32601), the server ended
    /// the subscription with an error, or the consumer fell <see cref="RpcClientOptions.SubscriptionBufferCapacity"/>
    /// items behind ("subscription queue overflow"). Thrown by the enumerator, after the items received before it.
    /// </exception>
    /// <exception cref="IOException">The connection ended.</exception>
    public async IAsyncEnumerable<T> SubscribeAsync<T>(
        string ns,
        string name,
        JsonTypeInfo<T> itemType,
        [EnumeratorCancellation] CancellationToken cancellationToken = default,
        params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(itemType);
        args ??= [];
        object?[] parameters = new object?[args.Length + 1];
        parameters[0] = name;
        args.CopyTo(parameters, 1);

        var call = new PendingSubscribe<T>(NextId(), ns, itemType, _options.SubscriptionBufferCapacity, _registerSubscription, _forgetSubscription)
        {
            Owner = this,
        };
        await SendAsync(call, ns + "_subscribe", parameters, cancellationToken).ConfigureAwait(false);
        ClientSubscription<T> subscription;
        using (RegisterCancellation(call, cancellationToken))
        {
            subscription = await call.TypedTask.ConfigureAwait(false);
        }

        try
        {
            ChannelReader<T> reader = subscription.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out T? item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await UnsubscribeAsync(subscription).ConfigureAwait(false);
        }
    }

    private async ValueTask UnsubscribeAsync(ClientSubscription subscription)
    {
        _subscriptions.TryRemove(new KeyValuePair<string, ClientSubscription>(subscription.Id, subscription));
        if (subscription.EndedByServer || Volatile.Read(ref _closedReason) is not null)
        {
            // Ended by the server or with the connection: nothing to undo there. After a client-side
            // overflow the server still streams, so it is told, as geth's client does.
            return;
        }

        using var timeout = new CancellationTokenSource(s_unsubscribeTimeout);
        try
        {
            await CallAsync(subscription.Namespace + "_unsubscribe", RpcJsonContext.Default.Boolean, timeout.Token, subscription.Id).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogUnsubscribeFailed(subscription.Id, ex);
        }
    }
}
