namespace Devp2p.Framing.Rlp;

/// <summary>
/// The prefix-byte ranges of the RLP wire format (ethereum/devp2p <c>rlp.md</c>, "Definition").
/// </summary>
internal static class RlpPrefix
{
    /// <summary>Bytes below this value are their own encoding: a 1-byte string with no header.</summary>
    public const byte SingleByteLimit = 0x80;

    /// <summary>
    /// Short byte string: prefix = 0x80 + length, for lengths 0 to <see cref="MaxShortLength"/> (up
    /// to 0xB7). A longer string's prefix is 0xB7 + the byte count of its big-endian length (0xB8 to 0xBF).
    /// </summary>
    public const byte ShortString = 0x80;

    /// <summary>
    /// Short list: prefix = 0xC0 + content length, for lengths 0 to <see cref="MaxShortLength"/> (up
    /// to 0xF7). A longer list's prefix is 0xF7 + the byte count of its big-endian length (0xF8 to 0xFF).
    /// </summary>
    public const byte ShortList = 0xC0;

    /// <summary>The largest payload that fits the one-byte header; 56 and up need the long form.</summary>
    public const int MaxShortLength = 55;

    /// <summary>Encoding of the empty byte string, which is also the integer zero and <see langword="false"/>.</summary>
    public const byte EmptyString = 0x80;
}
