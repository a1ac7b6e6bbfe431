using System.Buffers;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>The raw-buffer data handlers, as a copy-on-write array read without locks.</summary>
internal sealed class NodeIpcDataHandlerList
{
    private readonly Lock _gate = new();
    private Func<ReadOnlySequence<byte>, NodeIpcSocket?, CancellationToken, ValueTask>[] _handlers = [];

    public Func<ReadOnlySequence<byte>, NodeIpcSocket?, CancellationToken, ValueTask>[] Handlers => Volatile.Read(ref _handlers);

    public void Add(Func<ReadOnlySequence<byte>, NodeIpcSocket?, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            Volatile.Write(ref _handlers, [.. _handlers, handler]);
        }
    }
}
