using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Rlp;

/// <summary>
/// A forward-only reader of RLP over a span, in the peek-validate-advance shape of
/// <c>Utf8JsonReader</c>: each <c>Read*</c> validates the next item's header against the bytes
/// present and the canonical-form rules, then returns its value and moves past it. Nothing is
/// copied or allocated, except by <see cref="ReadString"/>, which creates a string.
/// </summary>
/// <remarks>
/// <para>
/// Decoding is strict in the way go-ethereum's <c>rlp</c> package is (<c>rlp/decode.go</c>,
/// <c>rlp/raw.go</c>): a byte below 0x80 wrapped in a 1-byte string, the long size form for a size
/// below 56, a size field with a leading zero, an integer with a leading zero (including the lone
/// byte 0x00), an integer wider than the requested type, and a size beyond the input or the
/// enclosing list are all rejected. Every RLP value therefore has exactly one accepted encoding.
/// </para>
/// <para>
/// A reader created over a buffer reads a sequence of items; <see cref="ReadList"/> returns a new
/// reader confined to the list's content, so an item that runs past the end of its list fails
/// instead of reading into the next one. Call <see cref="EnsureEnd"/> when a list (or the input)
/// must hold nothing more. <see cref="RlpCodec.Decode{T}"/> and <see cref="RlpCodec.Validate"/>
/// read exactly one top-level value and reject trailing bytes.
/// </para>
/// <para>
/// The reader never reads outside the span. Spans it returns are slices of that span and are valid
/// only as long as the caller's buffer is. Bad input of any kind, including a value of the wrong
/// kind for the method called (for example a list where an integer was expected), throws
/// <see cref="RlpException"/>; after one, the reader's position is unspecified and it should be
/// discarded.
/// </para>
/// </remarks>
public ref partial struct RlpReader
{
    private readonly ReadOnlySpan<byte> _data;

    /// <summary>Offset of <c>_data[0]</c> in the outermost input, so errors and <see cref="Position"/> are absolute.</summary>
    private readonly int _origin;

    /// <summary>True for a reader made by <see cref="ReadList"/>: its end is the list's end, which changes the error kinds.</summary>
    private readonly bool _isListContent;

    private int _position;

    /// <summary>Creates a reader over a sequence of RLP items.</summary>
    /// <param name="data">The encoded items. The reader borrows it; nothing is copied.</param>
    public RlpReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _origin = 0;
        _isListContent = false;
        _position = 0;
    }

    private RlpReader(ReadOnlySpan<byte> listContent, int origin)
    {
        _data = listContent;
        _origin = origin;
        _isListContent = true;
        _position = 0;
    }

    /// <summary>
    /// The offset of the next item from the start of the outermost input (for a reader returned by
    /// <see cref="ReadList"/>, the input of the reader it came from). Error offsets use the same origin.
    /// </summary>
    public readonly int Position => _origin + _position;

    /// <summary>Bytes left before the end of the input, or of the list this reader is confined to.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when no items remain in the input, or in the list this reader is confined to.</summary>
    public readonly bool IsAtEnd => _position >= _data.Length;

    /// <summary>
    /// Returns the kind of the next item from its prefix byte without validating its header (the
    /// next read does that), or <see cref="RlpKind.End"/> when no bytes remain. Never throws.
    /// </summary>
    public readonly RlpKind PeekKind()
    {
        ReadOnlySpan<byte> data = _data;
        int position = _position;
        if ((uint)position >= (uint)data.Length)
        {
            return RlpKind.End;
        }

        return data[position] < RlpPrefix.ShortList ? RlpKind.ByteString : RlpKind.List;
    }

    /// <summary>
    /// Reads a list header and returns a reader over the list's content, moving this reader past the
    /// whole list. The list's items are not validated until they are read from the returned reader.
    /// </summary>
    /// <returns>A reader confined to the list content; its <see cref="Position"/> continues this reader's offsets.</returns>
    /// <exception cref="RlpException">
    /// The next item is not a list (<see cref="RlpError.ExpectedList"/>), no item remains, or its
    /// header is malformed, non-canonical or declares more bytes than remain.
    /// </exception>
    public RlpReader ReadList()
    {
        int position = _position;
        RlpKind kind = ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        if (kind != RlpKind.List)
        {
            RlpThrowHelper.ThrowExpectedList(_origin + position);
        }

        int start = position + headerLength;
        _position = start + payloadLength;
        return new RlpReader(_data.Slice(start, payloadLength), _origin + start);
    }

    /// <summary>
    /// Moves past the next item of either kind. Only its header is validated; the content of a
    /// skipped list is not inspected (use <see cref="RlpCodec.Validate"/> to check a whole tree).
    /// </summary>
    /// <exception cref="RlpException">No item remains, or its header is malformed, non-canonical or too large.</exception>
    public void Skip()
    {
        int position = _position;
        ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        _position = position + headerLength + payloadLength;
    }

    /// <summary>
    /// Returns the next item's complete encoding (header and payload) without copying, and moves
    /// past it: the counterpart of go-ethereum's <c>RawValue</c>. Only the header is validated.
    /// </summary>
    /// <returns>A slice of the input, valid as long as the input buffer is.</returns>
    /// <exception cref="RlpException">No item remains, or its header is malformed, non-canonical or too large.</exception>
    public ReadOnlySpan<byte> ReadEncodedItem()
    {
        int position = _position;
        ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        int length = headerLength + payloadLength;
        _position = position + length;
        return _data.Slice(position, length);
    }

    /// <summary>
    /// Counts the items left in this reader without moving it (go-ethereum <c>CountValues</c>), so
    /// a decoder can size an array before filling it. Each item's header is validated; list
    /// contents are not.
    /// </summary>
    /// <returns>The number of items between the current position and the end.</returns>
    /// <exception cref="RlpException">An item's header is malformed, non-canonical or too large.</exception>
    public readonly int CountItems()
    {
        int count = 0;
        int position = _position;
        while (position < _data.Length)
        {
            ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
            position += headerLength + payloadLength;
            count++;
        }

        return count;
    }

    /// <summary>
    /// Decodes the next item as a <typeparamref name="T"/> by calling <c>T.Decode(ref this)</c>;
    /// generic and constrained, so struct messages are neither boxed nor reflected over.
    /// </summary>
    /// <typeparam name="T">The type to decode.</typeparam>
    /// <returns>The decoded value.</returns>
    /// <exception cref="RlpException">The input does not hold a valid <typeparamref name="T"/>.</exception>
    public T Read<T>()
        where T : IRlpDecodable<T>
        => T.Decode(ref this);

    /// <summary>
    /// Checks that nothing remains: the end of the list for a reader from <see cref="ReadList"/>
    /// (go-ethereum's <c>ListEnd</c>), or the end of the input for a top-level reader, which makes
    /// "exactly one value" checks explicit.
    /// </summary>
    /// <exception cref="RlpException">Bytes remain (<see cref="RlpError.TrailingBytes"/>).</exception>
    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            RlpThrowHelper.ThrowTrailingBytes(_origin + _position, _data.Length - _position, _isListContent);
        }
    }

    /// <summary>
    /// Validates the header of the item at <paramref name="position"/> and returns its kind and
    /// extent. On return, <c>headerLength + payloadLength &lt;= data.Length - position</c>, so the
    /// caller may slice without further checks.
    /// </summary>
    /// <param name="data">The bytes the item must fit in: the whole input, or the enclosing list's content.</param>
    /// <param name="position">Where the item starts in <paramref name="data"/>.</param>
    /// <param name="origin">Offset of <paramref name="data"/> in the outermost input, for error messages.</param>
    /// <param name="inList">Whether <paramref name="data"/> ends at a list's end, which picks the error kind.</param>
    /// <param name="headerLength">Bytes of prefix and size field (0 for a single byte below 0x80).</param>
    /// <param name="payloadLength">Bytes of payload after the header.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RlpKind ParseHeader(
        ReadOnlySpan<byte> data, int position, int origin, bool inList, out int headerLength, out int payloadLength)
    {
        // Fast path: the one-byte header forms, which is nearly every item in devp2p traffic. Any
        // other case, and every error, goes to the out-of-line path, which re-checks from scratch.
        if ((uint)position < (uint)data.Length)
        {
            uint prefix = data[position];
            int available = data.Length - position - 1;
            if (prefix < RlpPrefix.SingleByteLimit)
            {
                headerLength = 0;
                payloadLength = 1;
                return RlpKind.ByteString;
            }

            if (prefix <= RlpPrefix.ShortString + RlpPrefix.MaxShortLength)
            {
                int length = (int)prefix - RlpPrefix.ShortString;
                if (length <= available && (length != 1 || data[position + 1] >= RlpPrefix.SingleByteLimit))
                {
                    headerLength = 1;
                    payloadLength = length;
                    return RlpKind.ByteString;
                }
            }
            else if (prefix - RlpPrefix.ShortList <= RlpPrefix.MaxShortLength)
            {
                int length = (int)prefix - RlpPrefix.ShortList;
                if (length <= available)
                {
                    headerLength = 1;
                    payloadLength = length;
                    return RlpKind.List;
                }
            }
        }

        return ParseHeaderSlow(data, position, origin, inList, out headerLength, out payloadLength);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RlpKind ParseHeaderSlow(
        ReadOnlySpan<byte> data, int position, int origin, bool inList, out int headerLength, out int payloadLength)
    {
        int offset = origin + position;
        if ((uint)position >= (uint)data.Length)
        {
            RlpThrowHelper.ThrowUnexpectedEnd(offset, inList);
        }

        byte prefix = data[position];
        if (prefix < RlpPrefix.SingleByteLimit)
        {
            headerLength = 0;
            payloadLength = 1;
            return RlpKind.ByteString;
        }

        RlpKind kind = prefix < RlpPrefix.ShortList ? RlpKind.ByteString : RlpKind.List;
        int shortBase = kind == RlpKind.ByteString ? RlpPrefix.ShortString : RlpPrefix.ShortList;
        int available = data.Length - position - 1;

        if (prefix <= shortBase + RlpPrefix.MaxShortLength)
        {
            int length = prefix - shortBase;
            if (length > available)
            {
                RlpThrowHelper.ThrowPayloadTooLarge(offset, kind, (ulong)length, available, inList);
            }

            // geth ErrCanonSize: 0x81 0x05 and the bare 0x05 would both decode to [0x05].
            if (kind == RlpKind.ByteString && length == 1 && data[position + 1] < RlpPrefix.SingleByteLimit)
            {
                RlpThrowHelper.ThrowSingleByteNotCanonical(offset, data[position + 1]);
            }

            headerLength = 1;
            payloadLength = length;
            return kind;
        }

        int sizeFieldLength = prefix - (shortBase + RlpPrefix.MaxShortLength);
        if (sizeFieldLength > available)
        {
            RlpThrowHelper.ThrowSizeFieldTruncated(offset, kind, sizeFieldLength, available, inList);
        }

        ReadOnlySpan<byte> sizeField = data.Slice(position + 1, sizeFieldLength);
        if (sizeField[0] == 0)
        {
            RlpThrowHelper.ThrowSizeLeadingZero(offset, kind);
        }

        // Up to 8 bytes, so the size fits a ulong; comparing in ulong keeps a huge size from
        // wrapping into a small int before the bounds check.
        ulong size = 0;
        foreach (byte b in sizeField)
        {
            size = (size << 8) | b;
        }

        if (size <= RlpPrefix.MaxShortLength)
        {
            RlpThrowHelper.ThrowLongFormForShortSize(offset, kind, size);
        }

        int payloadAvailable = available - sizeFieldLength;
        if (size > (ulong)payloadAvailable)
        {
            RlpThrowHelper.ThrowPayloadTooLarge(offset, kind, size, payloadAvailable, inList);
        }

        headerLength = 1 + sizeFieldLength;
        payloadLength = (int)size;
        return kind;
    }
}
