using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>A handler that takes the data as a <see cref="JsonElement"/>, valid until its task completes.</summary>
internal sealed class NodeIpcElementHandler(Func<JsonElement, NodeIpcSocket?, CancellationToken, ValueTask> callback) : NodeIpcHandler
{
    public override ValueTask InvokeAsync(NodeIpcInbound message, CancellationToken cancellationToken) =>
        callback(message.GetElement(), message.Socket, cancellationToken);
}
