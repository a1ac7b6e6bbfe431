using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Rlp;

/// <summary>
/// A 256-bit unsigned integer held in four 64-bit limbs, for RLP quantities such as difficulty,
/// balances and total difficulty. It is a plain value type (no heap storage, unlike
/// <see cref="BigInteger"/>), so decoding one allocates nothing.
/// </summary>
/// <remarks>
/// Only what a wire codec needs is provided: construction, big-endian conversion, equality,
/// ordering and formatting. Arithmetic is deliberately left to a numerics library.
/// </remarks>
public readonly partial struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>, IComparable
{
    /// <summary>Bytes in the big-endian form of a full-width value.</summary>
    public const int Size = 32;

    // _u0 holds the least significant 64 bits.
    private readonly ulong _u0;
    private readonly ulong _u1;
    private readonly ulong _u2;
    private readonly ulong _u3;

    /// <summary>Creates a value from its four 64-bit limbs, most significant first (like <see cref="UInt128"/>'s constructor).</summary>
    /// <param name="upper">Bits 255 to 192.</param>
    /// <param name="upperMiddle">Bits 191 to 128.</param>
    /// <param name="lowerMiddle">Bits 127 to 64.</param>
    /// <param name="lower">Bits 63 to 0.</param>
    public UInt256(ulong upper, ulong upperMiddle, ulong lowerMiddle, ulong lower)
    {
        _u3 = upper;
        _u2 = upperMiddle;
        _u1 = lowerMiddle;
        _u0 = lower;
    }

    /// <summary>The value 0.</summary>
    public static UInt256 Zero => default;

    /// <summary>The value 1.</summary>
    public static UInt256 One => new(0, 0, 0, 1);

    /// <summary>The value 2^256 - 1.</summary>
    public static UInt256 MaxValue => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>True when the value is 0.</summary>
    public bool IsZero => (_u0 | _u1 | _u2 | _u3) == 0;

    /// <summary>Bits 255 to 192.</summary>
    public ulong Upper => _u3;

    /// <summary>Bits 191 to 128.</summary>
    public ulong UpperMiddle => _u2;

    /// <summary>Bits 127 to 64.</summary>
    public ulong LowerMiddle => _u1;

    /// <summary>Bits 63 to 0.</summary>
    public ulong Lower => _u0;

    /// <summary>Bytes in the minimal big-endian form: 0 for zero, up to <see cref="Size"/>.</summary>
    internal int ByteLength => _u3 != 0 ? 24 + ByteLengthOf(_u3)
        : _u2 != 0 ? 16 + ByteLengthOf(_u2)
        : _u1 != 0 ? 8 + ByteLengthOf(_u1)
        : ByteLengthOf(_u0);

    /// <summary>True when the value fits in 64 bits.</summary>
    internal bool FitsInUInt64 => (_u1 | _u2 | _u3) == 0;

    /// <summary>Widens a 64-bit value.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator UInt256(ulong value) => new(0, 0, 0, value);

    /// <summary>Narrows to 64 bits.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="OverflowException">The value is 2^64 or more.</exception>
    public static explicit operator ulong(UInt256 value)
    {
        if (!value.FitsInUInt64)
        {
            ThrowOverflow();
        }

        return value._u0;
    }

    /// <summary>Compares two values for equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(UInt256 left, UInt256 right) => left.Equals(right);

    /// <summary>Compares two values for inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(UInt256 left, UInt256 right) => !left.Equals(right);

    /// <summary>True when <paramref name="left"/> is less than <paramref name="right"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator <(UInt256 left, UInt256 right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> is greater than <paramref name="right"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator >(UInt256 left, UInt256 right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> is less than or equal to <paramref name="right"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator <=(UInt256 left, UInt256 right) => left.CompareTo(right) <= 0;

    /// <summary>True when <paramref name="left"/> is greater than or equal to <paramref name="right"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator >=(UInt256 left, UInt256 right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Reads a big-endian unsigned value of up to <see cref="Size"/> bytes; shorter input is
    /// zero-extended, and leading zero bytes are accepted (RLP's canonical checks are the reader's job).
    /// </summary>
    /// <param name="source">The big-endian bytes, 0 to 32 of them.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than 32 bytes.</exception>
    public static UInt256 ReadBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length > Size)
        {
            RlpThrowHelper.ThrowSourceTooLong(nameof(source), source.Length, Size);
        }

        if (source.Length == Size)
        {
            return FromFullWidth(source);
        }

        Span<byte> padded = stackalloc byte[Size];
        padded.Clear();
        source.CopyTo(padded[(Size - source.Length)..]);
        return FromFullWidth(padded);
    }

    /// <summary>Writes the value as exactly <see cref="Size"/> big-endian bytes, leading zeros included.</summary>
    /// <param name="destination">Receives the first 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            RlpThrowHelper.ThrowDestinationTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _u3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _u2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _u1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _u0);
    }

    /// <inheritdoc/>
    public bool Equals(UInt256 other) =>
        ((_u0 ^ other._u0) | (_u1 ^ other._u1) | (_u2 ^ other._u2) | (_u3 ^ other._u3)) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_u0, _u1, _u2, _u3);

    /// <inheritdoc/>
    public int CompareTo(UInt256 other)
    {
        if (_u3 != other._u3)
        {
            return _u3 < other._u3 ? -1 : 1;
        }

        if (_u2 != other._u2)
        {
            return _u2 < other._u2 ? -1 : 1;
        }

        if (_u1 != other._u1)
        {
            return _u1 < other._u1 ? -1 : 1;
        }

        return _u0.CompareTo(other._u0);
    }

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        UInt256 other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(UInt256)}.", nameof(obj)),
    };

    /// <summary>Writes the minimal big-endian form (<see cref="ByteLength"/> bytes) to the start of <paramref name="destination"/>.</summary>
    internal void WriteMinimalBigEndian(Span<byte> destination)
    {
        int length = ByteLength;
        Span<byte> full = stackalloc byte[Size];
        WriteBigEndian(full);
        full[(Size - length)..].CopyTo(destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ByteLengthOf(ulong value) => (64 - BitOperations.LeadingZeroCount(value) + 7) >> 3;

    private static UInt256 FromFullWidth(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64BigEndian(source),
        BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(source[24..]));

    private static void ThrowOverflow() =>
        throw new OverflowException($"The {nameof(UInt256)} value does not fit in 64 bits.");
}
