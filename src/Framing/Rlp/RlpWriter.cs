using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Rlp;

/// <summary>
/// Writes RLP into a caller-provided span in a single forward pass, allocating nothing.
/// </summary>
/// <remarks>
/// <para>
/// RLP puts every list's content length in front of the content, so the writer does not buffer or
/// patch headers: the caller computes sizes first with the <see cref="RlpCodec"/> length helpers
/// (go-ethereum <c>rlp/raw.go</c> <c>IntSize</c>/<c>ListSize</c>), sizes the destination exactly,
/// then writes each list header with its precomputed content length followed by the items.
/// <see cref="IRlpEncodable"/> and <see cref="RlpCodec.Encode{T}(in T, Span{byte})"/> package that
/// pattern, including for an <see cref="System.Buffers.IBufferWriter{T}"/>.
/// </para>
/// <para>
/// Every write checks the room left first and throws <see cref="InvalidOperationException"/>
/// naming the shortfall if the item does not fit, writing nothing in that case. The writer keeps
/// no reference to the destination beyond its own lifetime.
/// </para>
/// </remarks>
public ref partial struct RlpWriter
{
    private readonly Span<byte> _destination;
    private int _position;

    /// <summary>Creates a writer that fills <paramref name="destination"/> from its start.</summary>
    /// <param name="destination">The buffer to write into; the writer borrows it for its own lifetime.</param>
    public RlpWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int BytesWritten => _position;

    /// <summary>Bytes left in the destination.</summary>
    public readonly int FreeCapacity => _destination.Length - _position;

    /// <summary>The bytes written so far, as a slice of the destination.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _destination[.._position];

    /// <summary>
    /// Writes a list header for content of <paramref name="contentLength"/> bytes; the caller then
    /// writes exactly that many bytes of items.
    /// </summary>
    /// <param name="contentLength">The encoded length of all the list's items together.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contentLength"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The header does not fit in the destination.</exception>
    public void WriteListHeader(int contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        int headerLength = RlpCodec.GetHeaderLength(contentLength);
        WriteHeader(Reserve(headerLength), RlpPrefix.ShortList, contentLength);
    }

    /// <summary>
    /// Writes a byte string: the bare byte for a single byte below 0x80, otherwise a header and the bytes.
    /// </summary>
    /// <param name="value">The bytes; copied, not kept.</param>
    /// <exception cref="InvalidOperationException">The item does not fit in the destination.</exception>
    public void WriteBytes(scoped ReadOnlySpan<byte> value)
    {
        if (value.Length == 1 && value[0] < RlpPrefix.SingleByteLimit)
        {
            Reserve(1)[0] = value[0];
            return;
        }

        int headerLength = RlpCodec.GetHeaderLength(value.Length);
        Span<byte> item = Reserve(headerLength + value.Length);
        WriteHeader(item[..headerLength], RlpPrefix.ShortString, value.Length);
        value.CopyTo(item[headerLength..]);
    }

    /// <summary>Writes text as a UTF-8 byte string.</summary>
    /// <param name="value">The text; a <see cref="string"/> converts implicitly.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains a lone surrogate, which has no UTF-8 form.</exception>
    /// <exception cref="InvalidOperationException">The item does not fit in the destination.</exception>
    public void WriteString(scoped ReadOnlySpan<char> value)
    {
        int byteCount = RlpCodec.StrictUtf8.GetByteCount(value);
        if (byteCount == 1)
        {
            // The only 1-byte UTF-8 sequences are ASCII, below 0x80: the byte is its own encoding.
            Reserve(1)[0] = (byte)value[0];
            return;
        }

        int headerLength = RlpCodec.GetHeaderLength(byteCount);
        Span<byte> item = Reserve(headerLength + byteCount);
        WriteHeader(item[..headerLength], RlpPrefix.ShortString, byteCount);
        RlpCodec.StrictUtf8.GetBytes(value, item[headerLength..]);
    }

    /// <summary>
    /// Copies bytes that are already RLP (one or more complete items, such as a cached encoding or
    /// a list's content read with <see cref="RlpReader.ReadEncodedItem"/>) without validating them.
    /// </summary>
    /// <param name="encoded">The encoded bytes; copied, not kept.</param>
    /// <exception cref="InvalidOperationException">The bytes do not fit in the destination.</exception>
    public void WriteEncoded(scoped ReadOnlySpan<byte> encoded) => encoded.CopyTo(Reserve(encoded.Length));

    /// <summary>Encodes <paramref name="value"/> by calling its <see cref="IRlpEncodable.Encode"/>, without boxing.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value; passed by reference, and its <c>Encode</c> must not modify it.</param>
    /// <exception cref="InvalidOperationException">The encoding does not fit in the destination.</exception>
    public void Write<T>(in T value)
        where T : IRlpEncodable
        // AsRef avoids the defensive copy C# makes before calling a method on an `in` value of a
        // type not known to be readonly; a 500-byte header struct would be copied on every write.
        => Unsafe.AsRef(in value).Encode(ref this);

    /// <summary>Claims <paramref name="length"/> bytes at the current position, or throws without writing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int length)
    {
        int position = _position;

        // The unsigned compare also catches a negative length from an overflowed header + payload sum.
        if ((uint)length > (uint)(_destination.Length - position))
        {
            RlpThrowHelper.ThrowWriterFull(length, position, _destination.Length);
        }

        _position = position + length;
        return _destination.Slice(position, length);
    }

    /// <summary>Fills <paramref name="header"/> (sized by <see cref="RlpCodec.GetHeaderLength"/>) for a payload of <paramref name="payloadLength"/> bytes.</summary>
    /// <param name="header">Exactly the header's bytes.</param>
    /// <param name="shortBase"><see cref="RlpPrefix.ShortString"/> or <see cref="RlpPrefix.ShortList"/>.</param>
    /// <param name="payloadLength">The payload length.</param>
    private static void WriteHeader(Span<byte> header, byte shortBase, int payloadLength)
    {
        if (payloadLength <= RlpPrefix.MaxShortLength)
        {
            header[0] = (byte)(shortBase + payloadLength);
            return;
        }

        // Long form: 0xB7/0xF7 plus the size field's length, then the size, big-endian and minimal.
        int sizeFieldLength = header.Length - 1;
        header[0] = (byte)(shortBase + RlpPrefix.MaxShortLength + sizeFieldLength);
        uint size = (uint)payloadLength;
        for (int i = sizeFieldLength; i >= 1; i--)
        {
            header[i] = (byte)size;
            size >>= 8;
        }
    }
}
