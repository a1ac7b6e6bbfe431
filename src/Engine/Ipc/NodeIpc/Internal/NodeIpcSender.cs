namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Where emits to one peer go: a stream connection or a UDP remote address.</summary>
internal abstract class NodeIpcSender
{
    /// <summary>Whether the peer can still be written to.</summary>
    public abstract bool IsOpen { get; }

    /// <summary>Writes one <c>{"type":..,"data":..}</c> message and the delimiter, in one piece.</summary>
    public abstract ValueTask SendMessageAsync<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, CancellationToken cancellationToken);

    /// <summary>Writes bytes as they are: raw-buffer payloads, or messages already serialized (broadcast).</summary>
    public abstract ValueTask SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
