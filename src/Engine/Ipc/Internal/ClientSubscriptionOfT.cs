using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Buffers notifications for a consumer that reads at its own pace. The buffer is bounded, as geth's
/// client (<c>maxClientSubscriptionBuffer</c>): when it is full the subscription ends with
/// "subscription queue overflow" rather than stalling the read loop, which serves every other call.
/// </summary>
internal sealed class ClientSubscription<T> : ClientSubscription
{
    private readonly Action<ClientSubscription> _forget;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly Channel<T> _items;
    private readonly int _capacity;

    public ClientSubscription(string ns, string id, JsonTypeInfo<T> itemType, int capacity, Action<ClientSubscription> forget)
        : base(ns, id)
    {
        _itemType = itemType;
        _forget = forget;
        _capacity = capacity;
        _items = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<T> Reader => _items.Reader;

    public override void Deliver(ReadOnlySpan<byte> resultJson)
    {
        T item;
        try
        {
            item = JsonSerializer.Deserialize(resultJson, _itemType)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            End(ex);
            return;
        }

        if (!_items.Writer.TryWrite(item))
        {
            End(new RpcException(RpcErrorCodes.ServerError, $"subscription queue overflow (the client buffers {_capacity} notifications)"));
        }
    }

    public override void Fail(Exception error) => _items.Writer.TryComplete(error);

    private void End(Exception error)
    {
        _forget(this);
        Fail(error);
    }
}
