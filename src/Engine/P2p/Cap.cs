using System.Globalization;
using Devp2p.Framing.Rlp;

namespace Devp2p;

/// <summary>
/// A capability: a subprotocol name and version as a peer advertises it in Hello, for example
/// <c>eth/68</c>. Encoded as the RLP list <c>[name, version]</c> (go-ethereum <c>p2p.Cap</c>).
/// </summary>
/// <param name="Name">The protocol name, normally 3 ASCII characters ("eth", "snap").</param>
/// <param name="Version">The protocol version.</param>
public readonly record struct Cap(string Name, uint Version) : IComparable<Cap>, IRlpEncodable, IRlpDecodable<Cap>
{
    /// <summary>Returns "name/version", as go-ethereum prints a capability.</summary>
    /// <returns>For example "eth/68".</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}/{Version}");

    /// <summary>
    /// Orders by name (ordinal, as go-ethereum's byte-wise <c>strings.Compare</c> for ASCII names),
    /// then by version; capability matching relies on this order to assign message-code offsets.
    /// </summary>
    /// <param name="other">The capability to compare with.</param>
    /// <returns>Negative, zero or positive as this sorts before, with or after <paramref name="other"/>.</returns>
    public int CompareTo(Cap other)
    {
        int byName = string.CompareOrdinal(Name, other.Name);
        return byName != 0 ? byName : Version.CompareTo(other.Version);
    }

    /// <summary>True when <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <(Cap left, Cap right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >(Cap left, Cap right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator <=(Cap left, Cap right) => left.CompareTo(right) <= 0;

    /// <summary>True when <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison result.</returns>
    public static bool operator >=(Cap left, Cap right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><see cref="Name"/> contains a lone surrogate.</exception>
    public int GetRlpLength() => RlpCodec.GetListLength(ContentLength());

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The encoding does not fit in the writer.</exception>
    public void Encode(ref RlpWriter writer)
    {
        writer.WriteListHeader(ContentLength());
        writer.WriteString(Name ?? string.Empty);
        writer.WriteUInt64(Version);
    }

    /// <summary>
    /// Reads <c>[name, version]</c>. Strict like go-ethereum's struct decoding: an extra item in a
    /// capability is an error (only Hello itself tolerates extra items).
    /// </summary>
    /// <param name="reader">The reader, positioned at the capability's list.</param>
    /// <returns>The capability.</returns>
    /// <exception cref="RlpException">
    /// Not a two-item list, the name is not UTF-8, or the version does not fit in 32 bits.
    /// </exception>
    public static Cap Decode(ref RlpReader reader)
    {
        RlpReader items = reader.ReadList();
        string name = items.ReadString();
        uint version = items.ReadUInt32();
        items.EnsureEnd();
        return new Cap(name, version);
    }

    private int ContentLength() => RlpCodec.GetStringLength(Name ?? string.Empty) + RlpCodec.GetIntegerLength(Version);
}
