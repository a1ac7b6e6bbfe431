using System.Buffers;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>. Whoever holds the value owns
/// the array until <see cref="Dispose"/>, which returns it; a copy of the struct must not be
/// disposed twice.
/// </summary>
internal readonly struct RentedBytes : IDisposable
{
    private readonly byte[]? _array;

    /// <summary>Takes ownership of <paramref name="array"/>, of which the first <paramref name="length"/> bytes are valid.</summary>
    public RentedBytes(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>Copies <paramref name="source"/> into a newly rented array.</summary>
    public static RentedBytes CopyOf(in ReadOnlySequence<byte> source)
    {
        int length = checked((int)source.Length);
        byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        source.CopyTo(array);
        return new RentedBytes(array, length);
    }

    /// <summary>Copies <paramref name="source"/> into a newly rented array.</summary>
    public static RentedBytes CopyOf(ReadOnlySpan<byte> source)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(source.Length, 1));
        source.CopyTo(array);
        return new RentedBytes(array, source.Length);
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
