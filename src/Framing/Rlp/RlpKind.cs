namespace Devp2p.Framing.Rlp;

/// <summary>What <see cref="RlpReader.PeekKind"/> sees at the reader's position.</summary>
public enum RlpKind
{
    /// <summary>No bytes remain: the end of the input, or of the list the reader is confined to.</summary>
    End = 0,

    /// <summary>
    /// A byte string (prefix below 0xC0). This includes a single byte below 0x80, which is its own
    /// encoding, and integers, which RLP encodes as minimal big-endian byte strings.
    /// </summary>
    ByteString = 1,

    /// <summary>A list (prefix 0xC0 or above).</summary>
    List = 2,
}
