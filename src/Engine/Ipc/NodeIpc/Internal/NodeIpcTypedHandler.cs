using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// A handler that takes the data deserialized with a caller-supplied <see cref="JsonTypeInfo{T}"/>,
/// straight from the receive buffer. A message without <c>data</c> gives <c>default</c>.
/// </summary>
internal sealed class NodeIpcTypedHandler<T>(JsonTypeInfo<T> typeInfo, Func<T?, NodeIpcSocket?, CancellationToken, ValueTask> callback) : NodeIpcHandler
{
    public override ValueTask InvokeAsync(NodeIpcInbound message, CancellationToken cancellationToken)
    {
        T? value = message.HasData ? Deserialize(message.Data) : default;
        return callback(value, message.Socket, cancellationToken);
    }

    private T? Deserialize(ReadOnlySequence<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        return JsonSerializer.Deserialize(ref reader, typeInfo);
    }
}
