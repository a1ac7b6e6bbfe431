namespace Devp2p.Framing.Snappy;

/// <summary>
/// Constants of the snappy block format (google/snappy format_description.txt) and of the
/// greedy encoder that go-ethereum's golang/snappy and google/snappy share.
/// </summary>
internal static class SnappyFormat
{
    /// <summary>The low two bits of every element's tag byte select its kind.</summary>
    public const uint TagMask = 0x03;

    /// <summary>Literal: the upper six bits hold length-1, or 60..63 for 1..4 trailing length bytes.</summary>
    public const uint TagLiteral = 0x00;

    /// <summary>Copy with an 11-bit offset and a length of 4..11.</summary>
    public const uint TagCopy1 = 0x01;

    /// <summary>Copy with a 16-bit little-endian offset and a length of 1..64.</summary>
    public const uint TagCopy2 = 0x02;

    /// <summary>Copy with a 32-bit little-endian offset and a length of 1..64.</summary>
    public const uint TagCopy4 = 0x03;

    /// <summary>The longest literal whose length fits in the tag byte itself.</summary>
    public const int MaxTagLiteralLength = 60;

    /// <summary>Copy1 lengths are 4 + a 3-bit field.</summary>
    public const int MinCopy1Length = 4;

    /// <summary>One past the longest copy1 length (4 + 7).</summary>
    public const int Copy1LengthLimit = 12;

    /// <summary>Copy1 offsets are 11 bits.</summary>
    public const int Copy1OffsetLimit = 1 << 11;

    /// <summary>The longest copy2/copy4 element (6-bit length-1 field).</summary>
    public const int MaxCopyLength = 64;

    /// <summary>
    /// The encoder compresses independent 64 KiB fragments, as both reference encoders do: offsets
    /// stay below 65536 (so copy2 always suffices) and hash-table positions fit in a ushort.
    /// </summary>
    public const int MaxBlockSize = 1 << 16;

    /// <summary>
    /// Bytes the encoder's main loop keeps in hand past the search position, so that a short
    /// literal can be copied as one unconditional 16-byte move (golang/snappy's inputMargin).
    /// </summary>
    public const int InputMargin = 16 - 1;

    /// <summary>Below this block length the encoder emits one literal without searching.</summary>
    public const int MinNonLiteralBlockSize = 1 + 1 + InputMargin;

    /// <summary>The smallest hash table (log2), used for blocks up to 256 bytes.</summary>
    public const int MinTableBits = 8;

    /// <summary>
    /// The largest hash table (log2): 1 &lt;&lt; 14 ushort entries = 32 KiB, snappy's size. Bigger tables
    /// find little more in a 64 KiB block and stop fitting in L1.
    /// </summary>
    public const int MaxTableBits = 14;

    /// <summary>Snappy's multiplicative hash constant for 4-byte sequences.</summary>
    public const uint HashMultiplier = 0x1e35a7bd;

    /// <summary>A 32-bit varint takes at most five bytes.</summary>
    public const int MaxVarintLength = 5;
}
