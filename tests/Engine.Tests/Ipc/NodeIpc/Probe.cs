using System.Threading.Channels;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Collects values from event handlers and lets a test await them in order.</summary>
internal sealed class Probe<T>
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(T item)
    {
        Interlocked.Increment(ref _count);
        _items.Writer.TryWrite(item);
    }

    public async Task<T> NextAsync(CancellationToken ct) => await _items.Reader.ReadAsync(ct);

    public bool TryNext(out T item) => _items.Reader.TryRead(out item!);
}
