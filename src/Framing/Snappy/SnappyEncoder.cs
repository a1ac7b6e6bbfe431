using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Devp2p.Framing.Snappy;

/// <summary>
/// The greedy snappy compressor: 64 KiB fragments, a hash table of 4-byte sequences, the skip
/// heuristic over incompressible data, and the element choices of golang/snappy (the encoder
/// go-ethereum uses), so for the same input our wire bytes are the ones geth would send.
/// </summary>
/// <remarks>
/// Performance notes, measured on text-like data: the encoder is bound by the chain "find where
/// the match ends, hash the bytes there, look the hash up, compare". Computing the match end as a
/// bit count of an XOR is a data dependency the CPU must wait for, while predicted branches let
/// it run ahead on a guessed end (checked later), so the first 8 bytes of a match extension (the
/// common case) are resolved with branches and only longer matches with a bit count; the
/// copy1/copy2 choice is a branch for the same reason. The hot loop makes no calls and checks no
/// destination room (each fragment checks once that its worst case fits), so the JIT keeps all of
/// its state in registers; positions are offsets from the fragment start, which is also what the
/// hash table stores.
/// </remarks>
internal static unsafe class SnappyEncoder
{
    /// <summary>
    /// How far a literal written as whole 16-byte chunks may run past its end, and so the room a
    /// fragment needs beyond <see cref="MaxFragmentOutput"/>.
    /// </summary>
    private const int WildWriteSlack = 16;

    /// <summary>
    /// Encodes <paramref name="source"/> as whole 64 KiB fragments after the length preamble into
    /// <paramref name="destination"/>, which holds at least the maximum compressed length.
    /// </summary>
    [SkipLocalsInit]
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* srcBase = source)
        fixed (byte* dstBase = destination)
        {
            byte* op = dstBase + WriteVarint(dstBase, (uint)source.Length);
            if (source.Length == 0)
            {
                return (int)(op - dstBase);
            }

            // The table lives on the stack: at most 1 << 14 ushorts (32 KiB), sized to the first
            // fragment (so a 1 KiB message uses 2 KiB) and not zeroed by the runtime
            // ([SkipLocalsInit]); each fragment clears only the part it uses. That keeps Compress
            // allocation-free and reentrant without a [ThreadStatic] table to find per call.
            int tableBits = TableBits(Math.Min(source.Length, SnappyFormat.MaxBlockSize));
            ushort* table = stackalloc ushort[1 << tableBits];

            byte* dstEnd = dstBase + destination.Length;
            for (int position = 0; position < source.Length;)
            {
                int blockLength = Math.Min(source.Length - position, SnappyFormat.MaxBlockSize);
                if (blockLength < SnappyFormat.MinNonLiteralBlockSize)
                {
                    op = EmitLiteral(op, srcBase + position, blockLength);
                }
                else
                {
                    // Always true when the destination holds GetMaxCompressedLength: that bound
                    // leaves every fragment n + n/6 + 27 bytes or more (see MaxFragmentOutput),
                    // which is what lets EncodeBlock write without per-element checks.
                    if (dstEnd - op < MaxFragmentOutput(blockLength) + WildWriteSlack)
                    {
                        SnappyThrowHelper.ThrowCompressedBoundExceeded();
                    }

                    op = EncodeBlock(srcBase + position, blockLength, op, table);
                }

                position += blockLength;
            }

            return (int)(op - dstBase);
        }
    }

    /// <summary>
    /// The most <see cref="EncodeBlock"/> writes for <paramref name="length"/> input bytes.
    /// </summary>
    /// <remarks>
    /// Every copy element costs less than the bytes it covers (at most 3 bytes for 4..64, 6 for
    /// 65..67, 3 per further 64), so a "literal of L, then a copy" item costs at most its input
    /// plus the literal's header beyond the first byte: 0 for L &lt;= 60, at most 2 otherwise, and
    /// such an item covers at least 65 bytes. The trailing literal adds at most 3. Hence
    /// n + n/32 + 3, rounded up to n + n/30 + 3, well inside snappy's n + n/6 + 32.
    /// </remarks>
    internal static int MaxFragmentOutput(int length) => length + (length / 30) + 3;

    /// <summary>log2 of the hash table size for a fragment: 256 entries up to one per byte, at most 1 &lt;&lt; 14.</summary>
    internal static int TableBits(int blockLength)
    {
        int bits = SnappyFormat.MinTableBits;
        while (bits < SnappyFormat.MaxTableBits && (1 << bits) < blockLength)
        {
            bits++;
        }

        return bits;
    }

    /// <summary>
    /// Writes the tag (and length bytes) of a literal of <paramref name="length"/> bytes and returns
    /// how many bytes that took (1..5).
    /// </summary>
    internal static int WriteLiteralTag(byte* op, int length)
    {
        uint n = (uint)length - 1;
        if (n < SnappyFormat.MaxTagLiteralLength)
        {
            op[0] = (byte)(n << 2);
            return 1;
        }

        // Tag values 60..63 say that 1..4 little-endian bytes of length-1 follow.
        int extra = n < (1u << 8) ? 1 : n < (1u << 16) ? 2 : n < (1u << 24) ? 3 : 4;
        op[0] = (byte)((SnappyFormat.MaxTagLiteralLength - 1 + extra) << 2);
        for (int i = 0; i < extra; i++)
        {
            op[1 + i] = (byte)(n >> (8 * i));
        }

        return 1 + extra;
    }

    /// <summary>Writes a literal exactly (tag, length bytes, data) and returns the new output position.</summary>
    internal static byte* EmitLiteral(byte* op, byte* source, int length)
    {
        op += WriteLiteralTag(op, length);
        Buffer.MemoryCopy(source, op, length, length);
        return op + length;
    }

    /// <summary>
    /// Writes copy element(s) for (<paramref name="offset"/>, <paramref name="length"/>), offset
    /// 1..65535 and length 4 or more, and returns the new output position.
    /// </summary>
    /// <remarks>
    /// Lengths above 64 are split into 64-byte copy2 elements, except that a remainder of 65..67
    /// is split as 60 + 5..7 so the last element still reaches the 4-byte copy1 minimum. Copy1
    /// (2 bytes) is used when the offset fits 11 bits and the length is 4..11; everything else is
    /// copy2 (3 bytes). These are golang/snappy's choices.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte* EmitCopy(byte* op, uint offset, uint length)
    {
        while (length > SnappyFormat.MaxCopyLength)
        {
            // 68 and up: take 64 and leave at least 4; 65..67: take 60 and leave 5..7.
            uint part = length >= SnappyFormat.MaxCopyLength + SnappyFormat.MinCopy1Length ? SnappyFormat.MaxCopyLength : 60u;
            op = WriteCopy2(op, offset, part);
            length -= part;
        }

        if (length < SnappyFormat.Copy1LengthLimit && offset < SnappyFormat.Copy1OffsetLimit)
        {
            op[0] = (byte)(((offset >> 8) << 5) | ((length - SnappyFormat.MinCopy1Length) << 2) | SnappyFormat.TagCopy1);
            op[1] = (byte)offset;
            return op + 2;
        }

        return WriteCopy2(op, offset, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* WriteCopy2(byte* op, uint offset, uint length)
    {
        op[0] = (byte)(((length - 1) << 2) | SnappyFormat.TagCopy2);
        op[1] = (byte)offset;
        op[2] = (byte)(offset >> 8);
        return op + 3;
    }

    /// <summary>
    /// Compresses one fragment of <see cref="SnappyFormat.MinNonLiteralBlockSize"/>..64 KiB bytes
    /// into <paramref name="op"/>, which has <see cref="MaxFragmentOutput"/> + <see cref="WildWriteSlack"/>
    /// bytes of room. Offsets never cross the fragment, so every fragment decodes on its own terms.
    /// </summary>
    private static byte* EncodeBlock(byte* src, int length, byte* op, ushort* table)
    {
        // The hash keeps the top tableBits bits of the product, so it always indexes inside the table.
        int tableBits = TableBits(length);
        int shift = 32 - tableBits;
        new Span<ushort>(table, 1 << tableBits).Clear();

        // Positions are offsets from src (so a table entry is the position itself) and loads
        // address src + position, which x86 does for free; both save an instruction per probe.
        nint end = length;

        // Stop searching InputMargin bytes before the end, so a literal ending at a match can be
        // moved in whole 16-byte chunks from inside the fragment.
        nint searchLimit = end - SnappyFormat.InputMargin;
        nint nextEmit = 0;

        // The first byte is always a literal: there is nothing before it to copy from.
        nint s = 1;
        uint nextHash = Hash(Load32(src + s), shift);

        while (true)
        {
            // Skip heuristic (snappy's): after 32 probes without a match, advance 2 bytes per probe,
            // after 32 more 3, and so on, so incompressible data is skimmed instead of hashed at
            // every byte; a match resets the stride to 1.
            uint skip = 32;
            nint nextS = s;
            nint candidate;
            do
            {
                s = nextS;
                uint stride = skip >> 5;
                nextS = s + (nint)stride;
                skip += stride;
                if (nextS > searchLimit)
                {
                    goto EmitRemainder;
                }

                candidate = table[nextHash];
                table[nextHash] = (ushort)s;
                nextHash = Hash(Load32(src + nextS), shift);
            }
            while (Load32(src + s) != Load32(src + candidate));

            op = EmitSearchLiteral(op, src + nextEmit, (int)(s - nextEmit));

            // Emit copies while the bytes right after each copy match again.
            while (true)
            {
                nint matchStart = s;
                s = (nint)(ExtendMatch(src + candidate + 4, src + s + 4, src + end) - src);
                op = EmitCopy(op, (uint)(matchStart - candidate), (uint)(s - matchStart));
                nextEmit = s;
                if (s >= searchLimit)
                {
                    goto EmitRemainder;
                }

                // Index s - 1 and s (one 8-byte load feeds three hashes), then try s directly.
                ulong x = Load64(src + s - 1);
                table[Hash((uint)x, shift)] = (ushort)(s - 1);
                uint currentHash = Hash((uint)(x >> 8), shift);
                candidate = table[currentHash];
                table[currentHash] = (ushort)s;
                if ((uint)(x >> 8) != Load32(src + candidate))
                {
                    nextHash = Hash((uint)(x >> 16), shift);
                    s++;
                    break;
                }
            }
        }

    EmitRemainder:
        if (nextEmit < end)
        {
            op = EmitLiteral(op, src + nextEmit, (int)(end - nextEmit));
        }

        return op;
    }

    /// <summary>
    /// A literal found by the search loop (1..65535 bytes), moved in whole 16-byte chunks: the
    /// search stops InputMargin bytes before the fragment end, so the last chunk's load stays in
    /// the fragment, and the fragment's room check covers the up to 15 bytes stored past the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* EmitSearchLiteral(byte* op, byte* source, int length)
    {
        uint n = (uint)length - 1;
        if (n < SnappyFormat.MaxTagLiteralLength)
        {
            *op++ = (byte)(n << 2);
        }
        else if (n < (1u << 8))
        {
            op[0] = (SnappyFormat.MaxTagLiteralLength + 0) << 2;
            op[1] = (byte)n;
            op += 2;
        }
        else
        {
            op[0] = (SnappyFormat.MaxTagLiteralLength + 1) << 2;
            op[1] = (byte)n;
            op[2] = (byte)(n >> 8);
            op += 3;
        }

        byte* end = op + length;
        byte* d = op;
        do
        {
            Vector128.Store(Vector128.Load(source), d);
            source += 16;
            d += 16;
        }
        while (d < end);

        return end;
    }

    /// <summary>Returns the first position at or after <paramref name="s"/> where the bytes stop matching those at <paramref name="candidate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* ExtendMatch(byte* candidate, byte* s, byte* end)
    {
        if (s <= end - 8)
        {
            ulong difference = Load64(s) ^ Load64(candidate);
            if (difference != 0)
            {
                // Most matches end within these 8 bytes. Locating the first differing byte with
                // predicted branches (see the class remarks) lets the CPU continue from a
                // predicted match end instead of waiting for a bit count.
                return s + FirstDifferentByte(difference);
            }

            s += 8;
            candidate += 8;
            while (s <= end - 8)
            {
                difference = Load64(s) ^ Load64(candidate);
                if (difference != 0)
                {
                    // Little-endian loads put the first differing byte in the lowest set bits.
                    return s + (BitOperations.TrailingZeroCount(difference) >> 3);
                }

                s += 8;
                candidate += 8;
            }
        }

        while (s < end && *s == *candidate)
        {
            s++;
            candidate++;
        }

        return s;
    }

    /// <summary>The index (0..7) of the lowest non-zero byte of a non-zero <paramref name="difference"/>, by branches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstDifferentByte(ulong difference)
    {
        uint low = (uint)difference;
        if (low != 0)
        {
            return (low & 0xFF) != 0 ? 0 : (low & 0xFF00) != 0 ? 1 : (low & 0xFF0000) != 0 ? 2 : 3;
        }

        uint high = (uint)(difference >> 32);
        return (high & 0xFF) != 0 ? 4 : (high & 0xFF00) != 0 ? 5 : (high & 0xFF0000) != 0 ? 6 : 7;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(uint value, int shift) => (value * SnappyFormat.HashMultiplier) >> shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Load32(byte* p)
    {
        uint value = Unsafe.ReadUnaligned<uint>(p);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Load64(byte* p)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(p);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    /// <summary>Writes <paramref name="value"/> as a little-endian base-128 varint; returns 1..5.</summary>
    internal static int WriteVarint(byte* op, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            op[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        op[i++] = (byte)value;
        return i;
    }
}
