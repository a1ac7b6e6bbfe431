namespace Devp2p.Framing.Snappy;

/// <summary>
/// The snappy block format (google/snappy format_description.txt, no framing/stream format) as
/// devp2p uses it from p2p v5: a varint uncompressed length followed by literal and copy elements.
/// Output is wire-compatible with every snappy decoder (go-ethereum's golang/snappy included), and
/// compression chooses the same elements as golang/snappy for a given match.
/// </summary>
/// <remarks>
/// Every method is thread-safe and allocation-free (the compressor's hash table is on the stack),
/// and none keeps a caller's span beyond the call. Source and destination must not overlap.
/// Inbound data should be sized first: call <see cref="TryGetUncompressedLength"/>, compare the
/// length with the message limit, rent that many bytes, then <see cref="Decompress"/>.
/// </remarks>
public static class SnappyCodec
{
    /// <summary>
    /// The largest compressed size of <paramref name="sourceLength"/> bytes: 32 + n + n/6, the bound
    /// snappy proves for its greedy encoder (worst case a 1-byte literal then a 5-byte copy, 7
    /// bytes for 6). Use it to size the destination of <see cref="Compress"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sourceLength"/> is negative, or so large that the bound exceeds
    /// <see cref="int.MaxValue"/> (above 1,840,700,242 bytes).
    /// </exception>
    public static int GetMaxCompressedLength(int sourceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceLength);
        long bound = 32L + sourceLength + (sourceLength / 6);
        if (bound > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sourceLength), sourceLength, "The compressed size bound of this many bytes exceeds int.MaxValue.");
        }

        return (int)bound;
    }

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/> as one snappy block.
    /// </summary>
    /// <returns>The number of bytes written to the start of <paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is shorter than <see cref="GetMaxCompressedLength"/> of the
    /// source length, or overlaps <paramref name="source"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The source is too long to bound (see <see cref="GetMaxCompressedLength"/>).</exception>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int required = GetMaxCompressedLength(source.Length);
        if (destination.Length < required)
        {
            SnappyThrowHelper.ThrowDestinationTooSmall(nameof(destination), destination.Length, required);
        }

        if (source.Overlaps(destination))
        {
            SnappyThrowHelper.ThrowOverlap(nameof(destination));
        }

        return SnappyEncoder.Compress(source, destination);
    }

    /// <summary>
    /// Reads only the uncompressed-length preamble of a snappy block, so a caller can check the
    /// length against its limit before renting a buffer and decompressing.
    /// </summary>
    /// <param name="compressed">The compressed block (only its first 1..5 bytes are read).</param>
    /// <param name="length">The declared uncompressed length; 0 when the method returns false.</param>
    /// <returns>
    /// False when the preamble is empty, truncated, longer than five bytes or above
    /// <see cref="int.MaxValue"/>; true otherwise (the rest of the block is not validated).
    /// </returns>
    public static bool TryGetUncompressedLength(ReadOnlySpan<byte> compressed, out int length) =>
        TryReadPreamble(compressed, out length, out _);

    /// <summary>
    /// Decompresses the snappy block <paramref name="compressed"/> into the start of
    /// <paramref name="destination"/>, validating every element against the input and the declared length.
    /// </summary>
    /// <returns>The number of bytes written: the declared uncompressed length.</returns>
    /// <exception cref="SnappyException">
    /// The input is malformed: a bad preamble, an element that runs past the input or the declared
    /// length, a zero or too-distant copy offset, or output that ends short of the declared length.
    /// <see cref="SnappyException.Offset"/> is where. On this error the first declared-length bytes of
    /// <paramref name="destination"/> may hold partial output; nothing beyond them is written.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is shorter than the declared length (check it first with
    /// <see cref="TryGetUncompressedLength"/>), or overlaps <paramref name="compressed"/>.
    /// </exception>
    public static int Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        if (!TryReadPreamble(compressed, out int length, out int preambleLength))
        {
            SnappyThrowHelper.ThrowBadPreamble(compressed);
        }

        if (destination.Length < length)
        {
            SnappyThrowHelper.ThrowDestinationTooSmall(nameof(destination), destination.Length, length);
        }

        Span<byte> output = destination[..length];
        if (compressed.Overlaps(output))
        {
            SnappyThrowHelper.ThrowOverlap(nameof(destination));
        }

        SnappyDecoder.Decode(compressed, preambleLength, output);
        return length;
    }

    /// <summary>
    /// Parses the little-endian base-128 preamble. Non-minimal encodings (e.g. 0x80 0x00) are
    /// accepted, as google/snappy and golang/snappy accept them; five bytes are the most a 32-bit
    /// length needs, so a sixth is rejected rather than read.
    /// </summary>
    private static bool TryReadPreamble(ReadOnlySpan<byte> compressed, out int length, out int preambleLength)
    {
        ulong value = 0;
        int limit = Math.Min(compressed.Length, SnappyFormat.MaxVarintLength);
        for (int i = 0; i < limit; i++)
        {
            uint b = compressed[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (value > int.MaxValue)
                {
                    break;
                }

                length = (int)value;
                preambleLength = i + 1;
                return true;
            }
        }

        length = 0;
        preambleLength = 0;
        return false;
    }
}
