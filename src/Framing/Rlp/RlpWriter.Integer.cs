namespace Devp2p.Framing.Rlp;

public ref partial struct RlpWriter
{
    /// <summary>
    /// Writes an unsigned integer in canonical form: 0 as 0x80 (the empty string), 1 to 127 as the
    /// bare byte, larger values as a short string of their minimal big-endian bytes. Narrower
    /// unsigned types widen implicitly.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The item does not fit in the destination.</exception>
    public void WriteUInt64(ulong value)
    {
        if (value < RlpPrefix.SingleByteLimit)
        {
            Reserve(1)[0] = value == 0 ? RlpPrefix.EmptyString : (byte)value;
            return;
        }

        int length = RlpCodec.GetMinimalByteCount(value);
        Span<byte> item = Reserve(1 + length);
        item[0] = (byte)(RlpPrefix.ShortString + length);
        for (int i = length; i >= 1; i--)
        {
            item[i] = (byte)value;
            value >>= 8;
        }
    }

    /// <summary>Writes a 256-bit unsigned integer in canonical form (see <see cref="WriteUInt64"/>).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The item does not fit in the destination.</exception>
    public void WriteUInt256(in UInt256 value)
    {
        if (value.FitsInUInt64)
        {
            WriteUInt64(value.Lower);
            return;
        }

        // At least 9 bytes here, at most 32: always the short string form.
        int length = value.ByteLength;
        Span<byte> item = Reserve(1 + length);
        item[0] = (byte)(RlpPrefix.ShortString + length);
        value.WriteMinimalBigEndian(item[1..]);
    }

    /// <summary>Writes a boolean as go-ethereum does: the integer 1 (0x01) or 0 (0x80).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="InvalidOperationException">The item does not fit in the destination.</exception>
    public void WriteBool(bool value) => Reserve(1)[0] = value ? (byte)0x01 : RlpPrefix.EmptyString;
}
