using System.Text;
using System.Text.Unicode;

namespace Devp2p.Framing.Rlp;

public ref partial struct RlpReader
{
    /// <summary>
    /// Reads a byte string and returns its payload without copying (go-ethereum <c>SplitString</c>).
    /// A single byte below 0x80 is returned as a 1-byte slice of itself.
    /// </summary>
    /// <returns>A slice of the input, valid as long as the input buffer is.</returns>
    /// <exception cref="RlpException">
    /// The next item is a list (<see cref="RlpError.ExpectedByteString"/>), no item remains, or its
    /// header is malformed, non-canonical or declares more bytes than remain.
    /// </exception>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int position = _position;
        RlpKind kind = ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        if (kind != RlpKind.ByteString)
        {
            RlpThrowHelper.ThrowExpectedByteString(_origin + position, "byte string");
        }

        int start = position + headerLength;
        _position = start + payloadLength;
        return _data.Slice(start, payloadLength);
    }

    /// <summary>
    /// Reads a byte string that must be exactly <paramref name="length"/> bytes long, such as a
    /// 32-byte hash or a 20-byte address, and returns it without copying.
    /// </summary>
    /// <param name="length">The required payload length.</param>
    /// <returns>A slice of the input, valid as long as the input buffer is.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="RlpException">
    /// The payload has another length (<see cref="RlpError.UnexpectedLength"/>), or as for <see cref="ReadBytes"/>.
    /// </exception>
    public ReadOnlySpan<byte> ReadFixedBytes(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int position = _position;
        ReadOnlySpan<byte> value = ReadBytes();
        if (value.Length != length)
        {
            RlpThrowHelper.ThrowUnexpectedLength(_origin + position, value.Length, length);
        }

        return value;
    }

    /// <summary>
    /// Reads a byte string that must be well-formed UTF-8 and returns its bytes without copying or
    /// allocating: the allocation-free alternative to <see cref="ReadString"/>.
    /// </summary>
    /// <returns>A slice of the input, valid as long as the input buffer is.</returns>
    /// <exception cref="RlpException">
    /// The payload is not UTF-8 (<see cref="RlpError.InvalidUtf8"/>), or as for <see cref="ReadBytes"/>.
    /// </exception>
    public ReadOnlySpan<byte> ReadUtf8Bytes()
    {
        int position = _position;
        ReadOnlySpan<byte> value = ReadBytes();
        if (!Utf8.IsValid(value))
        {
            RlpThrowHelper.ThrowInvalidUtf8(_origin + position, value.Length);
        }

        return value;
    }

    /// <summary>
    /// Reads a byte string as UTF-8 text. This allocates the returned string (except for the empty
    /// string); hot paths that only compare or copy the text should use <see cref="ReadUtf8Bytes"/>.
    /// </summary>
    /// <remarks>
    /// Stricter than go-ethereum, whose strings are plain bytes: ill-formed UTF-8 is rejected rather
    /// than silently replaced, so a decoded string always re-encodes to the same bytes. A caller that
    /// must accept any bytes can use <see cref="ReadBytes"/> and decode leniently itself.
    /// </remarks>
    /// <returns>The decoded text.</returns>
    /// <exception cref="RlpException">As for <see cref="ReadUtf8Bytes"/>.</exception>
    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8Bytes());
}
