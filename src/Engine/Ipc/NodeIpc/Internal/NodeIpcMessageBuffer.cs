using System.Buffers;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>A growable buffer rented from <see cref="ArrayPool{T}.Shared"/>; whoever creates it disposes it, which returns the array.</summary>
internal sealed class NodeIpcMessageBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 256;

    /// <summary>An empty, never-written buffer used to detach a cached writer from a real one.</summary>
    public static readonly NodeIpcMessageBuffer Detached = new();

    private byte[] _array = [];
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _array.Length)
        {
            throw new InvalidOperationException($"Cannot advance {count} bytes past the end of a {_array.Length}-byte buffer at {_written}.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Dispose()
    {
        byte[] array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Grow(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed)
        {
            return;
        }

        int size = Math.Max(Math.Max(InitialSize, _array.Length * 2), checked(_written + needed));
        byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
        _array.AsSpan(0, _written).CopyTo(bigger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = bigger;
    }
}
