using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc;

/// <summary>
/// Calls sent together as one JSON array by <see cref="RpcClient.BatchAsync"/> and answered
/// together, as go-ethereum's <c>BatchCall</c>. Each call keeps its own outcome in its
/// <see cref="RpcBatchItem{T}"/>. A batch is sent once.
/// </summary>
public sealed class RpcBatch
{
    private readonly List<RpcBatchItem> _items = [];

    /// <summary>The number of calls.</summary>
    public int Count => _items.Count;

    internal IReadOnlyList<RpcBatchItem> Items => _items;

    /// <summary>Adds a call.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The method name.</param>
    /// <param name="resultType">Decodes the result.</param>
    /// <param name="args">Positional arguments, serialized as <see cref="RpcClient.CallAsync{T}"/> does.</param>
    /// <returns>The item that will hold the outcome.</returns>
    public RpcBatchItem<T> Add<T>(string method, JsonTypeInfo<T> resultType, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(resultType);
        var item = new RpcBatchItem<T>(method, resultType, args ?? []);
        _items.Add(item);
        return item;
    }
}
