using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.NodeIpc.Internal;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>Message and data handlers (node-ipc's <c>server.on(type, handler)</c>).</summary>
public sealed partial class NodeIpcServer
{
    /// <summary>Handles messages of <paramref name="type"/>; the data is valid until the handler returns.</summary>
    /// <param name="type">The message type (node-ipc's event name).</param>
    /// <param name="handler">Gets the data (kind Undefined when the message had none) and the sending socket.</param>
    public void On(string type, Action<JsonElement, NodeIpcSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On(type, (data, socket, _) =>
        {
            handler(data, socket);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles messages of <paramref name="type"/> asynchronously; the data is valid until the returned task completes.</summary>
    /// <param name="type">The message type (node-ipc's event name).</param>
    /// <param name="handler">Gets the data, the sending socket, and a token that fires when the connection closes.</param>
    public void On(string type, Func<JsonElement, NodeIpcSocket, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(type, new NodeIpcElementHandler((data, socket, ct) => handler(data, socket!, ct)));
    }

    /// <summary>Handles messages of <paramref name="type"/>, deserializing the data with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>; data that does not fit raises <see cref="Error"/>.</param>
    /// <param name="handler">Gets the data (default when the message had none) and the sending socket.</param>
    public void On<T>(string type, JsonTypeInfo<T> typeInfo, Action<T?, NodeIpcSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On(type, typeInfo, (data, socket, _) =>
        {
            handler(data, socket);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles messages of <paramref name="type"/> asynchronously, deserializing the data with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>; data that does not fit raises <see cref="Error"/>.</param>
    /// <param name="handler">Gets the data, the sending socket, and a token that fires when the connection closes.</param>
    public void On<T>(string type, JsonTypeInfo<T> typeInfo, Func<T?, NodeIpcSocket, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(type, new NodeIpcTypedHandler<T>(typeInfo, (data, socket, ct) => handler(data, socket!, ct)));
    }

    /// <summary>Removes every handler of <paramref name="type"/>.</summary>
    /// <param name="type">The message type.</param>
    /// <returns>Whether there were any.</returns>
    public bool Off(string type) => _handlers.Remove(type);

    /// <summary>
    /// Handles reads in <see cref="NodeIpcConfig.RawBuffer"/> mode (node-ipc's <c>data</c> event):
    /// each read or datagram as it arrived, with no framing. The bytes are borrowed until the handler returns.
    /// </summary>
    /// <param name="handler">Gets the bytes and the sending socket.</param>
    public void OnData(Action<ReadOnlySequence<byte>, NodeIpcSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        OnData((data, socket, _) =>
        {
            handler(data, socket);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Handles raw-buffer reads asynchronously; the bytes are borrowed until the returned task completes.</summary>
    /// <param name="handler">Gets the bytes, the sending socket, and a token that fires when the connection closes.</param>
    public void OnData(Func<ReadOnlySequence<byte>, NodeIpcSocket, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _dataHandlers.Add((data, socket, ct) => handler(data, socket!, ct));
    }
}
