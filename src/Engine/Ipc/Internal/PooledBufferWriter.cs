using System.Buffers;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// A growable buffer on <see cref="ArrayPool{T}.Shared"/> that can be cut back to an earlier length,
/// which lets a half-written JSON element be dropped when its serialization fails.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    // Enough for a typical response without growing; larger ones double from here.
    private const int InitialCapacity = 512;

    // A pooled writer keeps at most this much memory between uses, so one huge response does
    // not pin a large array for the rest of the process.
    private const int RetainedCapacity = 64 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the memory handed out.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(byte value)
    {
        EnsureFree(1);
        _buffer[_written++] = value;
    }

    /// <summary>Drops everything written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_written)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "Cannot truncate to more than was written.");
        }

        _written = length;
    }

    /// <summary>Empties the buffer for reuse, giving a large array back to the pool.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            byte[] large = _buffer;
            _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
            ArrayPool<byte>.Shared.Return(large);
        }
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureFree(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        int newSize = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_written + needed));
        byte[] grown = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
