using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Rlp;

public ref partial struct RlpReader
{
    /// <summary>Reads an unsigned integer of at most 8 bytes: a minimal big-endian byte string, zero being 0x80.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">
    /// The item is a list (<see cref="RlpError.ExpectedByteString"/>), is longer than 8 bytes
    /// (<see cref="RlpError.IntegerOverflow"/>), has a leading zero byte or is the byte 0x00
    /// (<see cref="RlpError.NonCanonicalInteger"/>), or its header is invalid.
    /// </exception>
    public ulong ReadUInt64() => ReadUnsigned(sizeof(ulong), nameof(UInt64));

    /// <summary>Reads an unsigned integer of at most 4 bytes.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">As for <see cref="ReadUInt64"/>, with a 4-byte limit.</exception>
    public uint ReadUInt32() => (uint)ReadUnsigned(sizeof(uint), nameof(UInt32));

    /// <summary>Reads an unsigned integer of at most 2 bytes.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">As for <see cref="ReadUInt64"/>, with a 2-byte limit.</exception>
    public ushort ReadUInt16() => (ushort)ReadUnsigned(sizeof(ushort), nameof(UInt16));

    /// <summary>
    /// Reads an unsigned integer of at most 1 byte (0 to 255; 0 is 0x80, 1 to 127 are bare bytes,
    /// 128 to 255 are 0x81 followed by the byte). This is an integer, not a raw byte: use
    /// <see cref="ReadFixedBytes"/> with length 1 for a 1-byte string.
    /// </summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">As for <see cref="ReadUInt64"/>, with a 1-byte limit.</exception>
    public byte ReadByte() => (byte)ReadUnsigned(sizeof(byte), nameof(Byte));

    /// <summary>Reads a boolean encoded as the integer 0 (0x80) or 1 (0x01), as go-ethereum does.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">
    /// The integer is neither 0 nor 1 (<see cref="RlpError.InvalidBoolean"/>), or as for <see cref="ReadUInt64"/>.
    /// </exception>
    public bool ReadBool()
    {
        int position = _position;
        ulong value = ReadUnsigned(sizeof(byte), nameof(Boolean));
        if (value > 1)
        {
            RlpThrowHelper.ThrowInvalidBoolean(_origin + position, value);
        }

        return value != 0;
    }

    /// <summary>Reads an unsigned integer of at most 32 bytes.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="RlpException">As for <see cref="ReadUInt64"/>, with a 32-byte limit.</exception>
    public UInt256 ReadUInt256()
    {
        int position = _position;
        int offset = _origin + position;
        RlpKind kind = ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        if (kind != RlpKind.ByteString)
        {
            RlpThrowHelper.ThrowExpectedByteString(offset, "integer");
        }

        ReadOnlySpan<byte> payload = _data.Slice(position + headerLength, payloadLength);
        CheckCanonicalInteger(payload, headerLength, offset, UInt256.Size, nameof(UInt256));
        _position = position + headerLength + payloadLength;
        return UInt256.ReadBigEndian(payload);
    }

    /// <summary>Reads an integer of at most <paramref name="maxBytes"/> (1 to 8) bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ReadUnsigned(int maxBytes, string typeName)
    {
        // Fast path for well-formed input; anything it does not accept (including every error) is
        // decided by the slow path, which does not rely on anything checked here.
        ReadOnlySpan<byte> data = _data;
        int position = _position;
        if ((uint)position < (uint)data.Length)
        {
            uint prefix = data[position];

            // 0x01 to 0x7F are their own value. 0x00 wraps around and falls through: it is not canonical.
            if (prefix - 1 < RlpPrefix.SingleByteLimit - 1)
            {
                _position = position + 1;
                return prefix;
            }

            uint length = prefix - RlpPrefix.ShortString;
            if (length <= (uint)maxBytes && (int)length < data.Length - position)
            {
                if (length == 0)
                {
                    _position = position + 1;
                    return 0;
                }

                ReadOnlySpan<byte> payload = data.Slice(position + 1, (int)length);

                // A leading zero is geth's ErrCanonInt; a lone byte below 0x80 should have been bare (ErrCanonSize).
                if (payload[0] >= (length == 1 ? RlpPrefix.SingleByteLimit : 1u))
                {
                    _position = position + 1 + (int)length;
                    return ReadBigEndian(payload);
                }
            }
        }

        return ReadUnsignedSlow(maxBytes, typeName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadUnsignedSlow(int maxBytes, string typeName)
    {
        int position = _position;
        int offset = _origin + position;
        RlpKind kind = ParseHeader(_data, position, _origin, _isListContent, out int headerLength, out int payloadLength);
        if (kind != RlpKind.ByteString)
        {
            RlpThrowHelper.ThrowExpectedByteString(offset, "integer");
        }

        ReadOnlySpan<byte> payload = _data.Slice(position + headerLength, payloadLength);
        CheckCanonicalInteger(payload, headerLength, offset, maxBytes, typeName);
        _position = position + headerLength + payloadLength;
        return ReadBigEndian(payload);
    }

    /// <summary>Applies go-ethereum's integer rules in its order: overflow first, then leading zeros.</summary>
    private static void CheckCanonicalInteger(ReadOnlySpan<byte> payload, int headerLength, int offset, int maxBytes, string typeName)
    {
        if (payload.Length > maxBytes)
        {
            RlpThrowHelper.ThrowIntegerOverflow(offset, payload.Length, maxBytes, typeName);
        }

        if (payload.Length != 0 && payload[0] == 0)
        {
            if (headerLength == 0)
            {
                RlpThrowHelper.ThrowIntegerZeroByte(offset);
            }

            RlpThrowHelper.ThrowIntegerLeadingZero(offset, payload.Length);
        }
    }

    /// <summary>Big-endian value of at most 8 bytes.</summary>
    private static ulong ReadBigEndian(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
