using System.Net;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Sends to one remote address from a UDP endpoint's bound socket: one datagram per emit.</summary>
internal sealed class NodeIpcUdpPeer(NodeIpcUdpEndpoint endpoint, IPEndPoint remote) : NodeIpcSender
{
    public override bool IsOpen => endpoint.IsOpen;

    public override async ValueTask SendMessageAsync<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, CancellationToken cancellationToken)
    {
        using PooledBufferWriter datagram = NodeIpcMessageWriter.Serialize(type, state, writeData, endpoint.Delimiter);
        await endpoint.SendToAsync(datagram.WrittenMemory, remote, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        endpoint.SendToAsync(bytes, remote, cancellationToken);
}
