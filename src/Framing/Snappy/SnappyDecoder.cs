using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Devp2p.Framing.Snappy;

/// <summary>
/// Decodes the element stream of a snappy block. Every length and offset is checked against the
/// bytes left in the input and in the declared output before anything is read or written.
/// </summary>
/// <remarks>
/// Speed comes from "wild" copies: where both buffers have <see cref="LiteralSlack"/> /
/// <see cref="CopySlack"/> bytes to spare, a short literal or copy is moved in whole 16- or
/// 8-byte chunks that may write past its own end. Those extra bytes land inside the declared
/// output, beyond the decode position, and are overwritten by later elements; the final check that
/// the output ends exactly at the declared length guarantees none of them survive. Near the ends
/// of the buffers the exact (slower) paths run instead, so nothing outside the spans is touched.
/// </remarks>
internal static unsafe class SnappyDecoder
{
    /// <summary>Input bytes needed after a tag to copy any in-tag literal (up to 60 bytes) in 16-byte chunks.</summary>
    private const int LiteralSlack = 1 + 64;

    /// <summary>Output bytes needed to copy a literal of up to 60 bytes in 16-byte chunks (rounded up to 64).</summary>
    private const int LiteralOutputSlack = 64;

    /// <summary>
    /// Output bytes needed for a wild copy of up to 64 bytes: 8-byte chunks may end 7 bytes past
    /// the copy, and the pattern expansion of short offsets writes at most 16 bytes past its start.
    /// </summary>
    private const int CopySlack = SnappyFormat.MaxCopyLength + 8;

    /// <summary>
    /// Decodes the elements in <paramref name="compressed"/> from <paramref name="start"/> into all
    /// of <paramref name="output"/>, whose length is the declared uncompressed length.
    /// </summary>
    /// <exception cref="SnappyException">The element stream is malformed.</exception>
    public static void Decode(ReadOnlySpan<byte> compressed, int start, Span<byte> output)
    {
        fixed (byte* inBase = compressed)
        fixed (byte* outBase = output)
        {
            byte* op = DecodeElements(inBase, inBase + start, inBase + compressed.Length, outBase, outBase + output.Length);
            if (op != outBase + output.Length)
            {
                SnappyThrowHelper.ThrowShortOutput(compressed.Length, op - outBase, output.Length);
            }
        }
    }

    private static byte* DecodeElements(byte* inBase, byte* ip, byte* ipEnd, byte* outBase, byte* opEnd)
    {
        byte* op = outBase;
        while (ip < ipEnd)
        {
            uint tag = *ip;
            if ((tag & SnappyFormat.TagMask) == SnappyFormat.TagLiteral)
            {
                // 1..60 for an in-tag length, 61..64 when 1..4 length bytes follow.
                uint tagLength = (tag >> 2) + 1;
                if (tagLength <= SnappyFormat.MaxTagLiteralLength && ipEnd - ip >= LiteralSlack && opEnd - op >= LiteralOutputSlack)
                {
                    Copy16(ip + 1, op);
                    if (tagLength > 16)
                    {
                        Copy16(ip + 17, op + 16);
                        if (tagLength > 32)
                        {
                            Copy16(ip + 33, op + 32);
                            Copy16(ip + 49, op + 48);
                        }
                    }

                    ip += tagLength + 1;
                    op += tagLength;
                    continue;
                }

                // Returned instead of passed by reference, so op stays in a register.
                byte* next = DecodeLiteralExact(inBase, ip, ipEnd, outBase, op, opEnd, tagLength);
                op += next - ip - LiteralHeaderLength(tagLength);
                ip = next;
                continue;
            }

            byte* tagPosition = ip;
            long available = ipEnd - ip;
            nuint length;
            nuint offset;
            switch (tag & SnappyFormat.TagMask)
            {
                case SnappyFormat.TagCopy1:
                    if (available < 2)
                    {
                        SnappyThrowHelper.ThrowTruncatedCopy(tagPosition - inBase, 2, available);
                    }

                    length = ((tag >> 2) & 0x07) + SnappyFormat.MinCopy1Length;
                    offset = ((tag & 0xE0) << 3) | ip[1];
                    ip += 2;
                    break;
                case SnappyFormat.TagCopy2:
                    if (available < 3)
                    {
                        SnappyThrowHelper.ThrowTruncatedCopy(tagPosition - inBase, 3, available);
                    }

                    length = (tag >> 2) + 1;
                    offset = ReadUInt16LittleEndian(ip + 1);
                    ip += 3;
                    break;
                default:
                    if (available < 5)
                    {
                        SnappyThrowHelper.ThrowTruncatedCopy(tagPosition - inBase, 5, available);
                    }

                    length = (tag >> 2) + 1;
                    offset = ReadUInt32LittleEndian(ip + 1);
                    ip += 5;
                    break;
            }

            // offset - 1 wraps for offset 0, so one unsigned compare rejects both a zero offset and
            // one that reaches before the first decoded byte.
            nuint written = (nuint)(op - outBase);
            if (offset - 1 >= written)
            {
                SnappyThrowHelper.ThrowBadCopyOffset(tagPosition - inBase, offset, (long)written);
            }

            long room = opEnd - op;
            if (room >= CopySlack)
            {
                op = CopyWild(op, op - offset, length);
            }
            else
            {
                if (length > (ulong)room)
                {
                    SnappyThrowHelper.ThrowCopyPastOutput(tagPosition - inBase, length, room, (int)(opEnd - outBase));
                }

                // Near the end of the output: byte by byte, which is also right for overlapping
                // (offset < length) copies that repeat a pattern.
                byte* source = op - offset;
                for (nuint i = 0; i < length; i++)
                {
                    op[i] = source[i];
                }

                op += length;
            }
        }

        return op;
    }

    /// <summary>The tag byte plus the 0..4 length bytes of a literal whose tag gives <paramref name="tagLength"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long LiteralHeaderLength(uint tagLength) =>
        tagLength > SnappyFormat.MaxTagLiteralLength ? 1 + tagLength - SnappyFormat.MaxTagLiteralLength : 1;

    /// <summary>
    /// The literal path with every bound checked: long literals and those near a buffer end.
    /// Copies the literal to <paramref name="op"/> and returns the input position after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte* DecodeLiteralExact(byte* inBase, byte* ip, byte* ipEnd, byte* outBase, byte* op, byte* opEnd, uint tagLength)
    {
        byte* tagPosition = ip;
        ip++;
        ulong length = tagLength;
        if (tagLength > SnappyFormat.MaxTagLiteralLength)
        {
            int extra = (int)tagLength - SnappyFormat.MaxTagLiteralLength;
            if (ipEnd - ip < extra)
            {
                SnappyThrowHelper.ThrowTruncatedLiteralLength(tagPosition - inBase, extra, ipEnd - ip);
            }

            uint value = 0;
            for (int i = 0; i < extra; i++)
            {
                value |= (uint)ip[i] << (8 * i);
            }

            // As a ulong, 0xFFFFFFFF + 1 does not wrap to a zero-length literal.
            length = (ulong)value + 1;
            ip += extra;
        }

        if (length > (ulong)(ipEnd - ip))
        {
            SnappyThrowHelper.ThrowLiteralPastInput(tagPosition - inBase, length, ipEnd - ip);
        }

        if (length > (ulong)(opEnd - op))
        {
            SnappyThrowHelper.ThrowLiteralPastOutput(tagPosition - inBase, length, opEnd - op, (int)(opEnd - outBase));
        }

        Buffer.MemoryCopy(ip, op, length, length);
        return ip + length;
    }

    /// <summary>
    /// Copies <paramref name="length"/> (1..64) bytes from <paramref name="source"/> =
    /// <paramref name="op"/> - offset, where the caller has checked the offset and that
    /// <see cref="CopySlack"/> bytes of output remain. Returns the new output position.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* CopyWild(byte* op, byte* source, nuint length)
    {
        byte* end = op + length;
        nuint offset = (nuint)(op - source);
        if (offset >= 16)
        {
            // Each 16-byte chunk reads only bytes at least 16 behind what it writes, all final.
            Copy16(source, op);
            if (length > 16)
            {
                Copy16(source + 16, op + 16);
                if (length > 32)
                {
                    Copy16(source + 32, op + 32);
                    Copy16(source + 48, op + 48);
                }
            }

            return end;
        }

        if (offset < 8)
        {
            // Pattern expansion: an 8-byte move from source to op gets its first (op - source)
            // bytes right, and the repeat distance op - source stays a multiple of the offset, so
            // advancing op by that distance doubles it until 8-byte chunks are safe (at most three
            // rounds, ending within 16 bytes of the start).
            while (op - source < 8)
            {
                Copy8(source, op);
                op += op - source;
            }
        }

        // The distance op - source is now at least 8, so each chunk reads only final bytes.
        while (op < end)
        {
            Copy8(source, op);
            source += 8;
            op += 8;
        }

        return end;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy16(byte* source, byte* destination) =>
        Vector128.Store(Vector128.Load(source), destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy8(byte* source, byte* destination) =>
        Unsafe.WriteUnaligned(destination, Unsafe.ReadUnaligned<ulong>(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt16LittleEndian(byte* p)
    {
        ushort value = Unsafe.ReadUnaligned<ushort>(p);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt32LittleEndian(byte* p)
    {
        uint value = Unsafe.ReadUnaligned<uint>(p);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }
}
