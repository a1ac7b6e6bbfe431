namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>One registered handler of a message type.</summary>
internal abstract class NodeIpcHandler
{
    public abstract ValueTask InvokeAsync(NodeIpcInbound message, CancellationToken cancellationToken);
}
