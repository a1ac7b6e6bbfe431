using System.Numerics;

namespace Devp2p.Framing.Rlp;

public static partial class RlpCodec
{
    /// <summary>Encoded length of a boolean (0x01 or 0x80).</summary>
    public const int BoolLength = 1;

    /// <summary>Encoded length of <paramref name="value"/> written with <see cref="RlpWriter.WriteBytes"/>.</summary>
    /// <param name="value">The bytes.</param>
    /// <returns>1 for a single byte below 0x80, otherwise the header length plus the byte count.</returns>
    /// <exception cref="OverflowException">The encoding would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int GetByteStringLength(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < RlpPrefix.SingleByteLimit)
        {
            return 1;
        }

        return checked(GetHeaderLength(value.Length) + value.Length);
    }

    /// <summary>Encoded length of <paramref name="value"/> written with <see cref="RlpWriter.WriteString"/> (UTF-8).</summary>
    /// <param name="value">The text; a <see cref="string"/> converts implicitly.</param>
    /// <returns>The encoded length.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains a lone surrogate.</exception>
    /// <exception cref="OverflowException">The encoding would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int GetStringLength(ReadOnlySpan<char> value)
    {
        int byteCount = StrictUtf8.GetByteCount(value);

        // A 1-byte UTF-8 string is one ASCII byte, which is its own encoding.
        return byteCount == 1 ? 1 : checked(GetHeaderLength(byteCount) + byteCount);
    }

    /// <summary>Encoded length of <paramref name="value"/> written with <see cref="RlpWriter.WriteUInt64"/> (go-ethereum <c>IntSize</c>).</summary>
    /// <param name="value">The value; narrower unsigned types widen implicitly.</param>
    /// <returns>1 for values below 128 (zero included), otherwise 1 plus the minimal big-endian byte count.</returns>
    public static int GetIntegerLength(ulong value) =>
        value < RlpPrefix.SingleByteLimit ? 1 : 1 + GetMinimalByteCount(value);

    /// <summary>Encoded length of <paramref name="value"/> written with <see cref="RlpWriter.WriteUInt256"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>1 for values below 128 (zero included), otherwise 1 plus the minimal big-endian byte count.</returns>
    public static int GetIntegerLength(in UInt256 value) =>
        value.FitsInUInt64 ? GetIntegerLength(value.Lower) : 1 + value.ByteLength;

    /// <summary>
    /// Encoded length of a list whose items take <paramref name="contentLength"/> bytes together
    /// (go-ethereum <c>ListSize</c>): the header plus the content.
    /// </summary>
    /// <param name="contentLength">The summed encoded lengths of the items.</param>
    /// <returns>The encoded length of the list.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contentLength"/> is negative.</exception>
    /// <exception cref="OverflowException">The encoding would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public static int GetListLength(int contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        return checked(GetHeaderLength(contentLength) + contentLength);
    }

    /// <summary>Header bytes for a payload of <paramref name="payloadLength"/> bytes: 1, or 1 plus the size field.</summary>
    internal static int GetHeaderLength(int payloadLength) =>
        payloadLength <= RlpPrefix.MaxShortLength ? 1 : 1 + GetMinimalByteCount((uint)payloadLength);

    /// <summary>Bytes in the minimal big-endian form of a non-zero <paramref name="value"/>.</summary>
    internal static int GetMinimalByteCount(ulong value) => (64 - BitOperations.LeadingZeroCount(value) + 7) >> 3;
}
