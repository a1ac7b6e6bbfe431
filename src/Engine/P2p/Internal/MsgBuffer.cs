using System.Buffers;
using Microsoft.Extensions.ObjectPool;

namespace Devp2p.Internal;

/// <summary>
/// The pooled owner of one received message payload: an <see cref="ArrayPool{T}"/> array plus the
/// slice of it that holds the payload. <see cref="Msg"/> refers to it with a generation number, so
/// a copy of a <see cref="Msg"/> that is disposed twice, or read after disposal, is caught instead
/// of returning the array twice or reading another message's bytes.
/// </summary>
internal sealed class MsgBuffer
{
    /// <summary>How many idle owners the pool keeps; owners beyond that are left to the GC.</summary>
    private const int PoolCapacity = 1024;

    private static readonly ObjectPool<MsgBuffer> s_pool =
        new DefaultObjectPool<MsgBuffer>(new DefaultPooledObjectPolicy<MsgBuffer>(), PoolCapacity);

    private byte[]? _array;
    private int _offset;
    private int _length;
    private int _generation;

    /// <summary>The generation the current owner's <see cref="Msg"/> carries.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Takes an owner from the pool for <paramref name="array"/>, which must come from
    /// <see cref="ArrayPool{T}.Shared"/>; the owner returns it when released.
    /// </summary>
    public static MsgBuffer Rent(byte[] array, int offset, int length)
    {
        MsgBuffer buffer = s_pool.Get();
        buffer._array = array;
        buffer._offset = offset;
        buffer._length = length;
        return buffer;
    }

    /// <summary>Copies <paramref name="payload"/> into a pooled array and wraps it.</summary>
    public static MsgBuffer Copy(ReadOnlySpan<byte> payload)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(array);
        return Rent(array, 0, payload.Length);
    }

    /// <summary>The payload, if <paramref name="generation"/> is still the live one.</summary>
    public ReadOnlySpan<byte> GetSpan(int generation)
    {
        byte[]? array = _array;
        if (generation != Volatile.Read(ref _generation) || array is null)
        {
            ThrowDisposed();
        }

        return new ReadOnlySpan<byte>(array, _offset, _length);
    }

    /// <summary>The payload as memory, if <paramref name="generation"/> is still the live one.</summary>
    public ReadOnlyMemory<byte> GetMemory(int generation)
    {
        byte[]? array = _array;
        if (generation != Volatile.Read(ref _generation) || array is null)
        {
            ThrowDisposed();
        }

        return new ReadOnlyMemory<byte>(array, _offset, _length);
    }

    /// <summary>
    /// Returns the array and this owner to their pools if <paramref name="generation"/> is the live
    /// one; a stale generation (a second Dispose of a copy) does nothing.
    /// </summary>
    public void Release(int generation)
    {
        if (Interlocked.CompareExchange(ref _generation, generation + 1, generation) != generation)
        {
            return;
        }

        byte[]? array = _array;
        _array = null;
        _offset = 0;
        _length = 0;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        s_pool.Return(this);
    }

    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Msg), "The message was disposed; its payload went back to the pool. Copy the payload out before disposing if you need to keep it.");
}
