using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Devp2p.Crypto;

namespace Devp2p.Enode;

/// <summary>
/// A 32-byte node ID in the "v4" identity scheme: Keccak-256 of the node's 64-byte public key
/// x || y (go-ethereum's <c>enode.ID</c>, <c>PubkeyToIDV4</c>). Discovery measures distance between
/// these IDs, and logs print them.
/// </summary>
/// <remarks>
/// Held inline as four big-endian 64-bit words, so it is cheap to copy, never touches the heap and
/// works as a dictionary key. <c>default(NodeId)</c> is the all-zero ID, which is a valid value (it is
/// just not the hash of any known key).
/// </remarks>
public readonly struct NodeId : IEquatable<NodeId>
{
    /// <summary>Length of a node ID in bytes.</summary>
    public const int Length = 32;

    /// <summary>Length of the hex form in characters (no prefix).</summary>
    public const int HexLength = 2 * Length;

    /// <summary>
    /// Bytes that <see cref="TerminalString"/> shows: go-ethereum's <c>ID.TerminalString</c> prints the
    /// first 8 bytes (16 hex digits), enough to tell peers apart in a log line.
    /// </summary>
    private const int TerminalBytes = 8;

    private const int WordBytes = sizeof(ulong);
    private const int BitsPerWord = 8 * WordBytes;

    // Word 0 holds bytes 0..7, most significant first, so comparing words in order compares the
    // IDs as 256-bit big-endian numbers (what the XOR metric needs).
    private readonly ulong _word0;
    private readonly ulong _word1;
    private readonly ulong _word2;
    private readonly ulong _word3;

    /// <summary>Wraps 32 bytes (copied; the span is not kept).</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not exactly 32 bytes long.</exception>
    public NodeId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A node ID is {Length} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _word0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _word1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[WordBytes..]);
        _word2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[(2 * WordBytes)..]);
        _word3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[(3 * WordBytes)..]);
    }

    /// <summary>
    /// Derives the v4 node ID of <paramref name="key"/>: Keccak-256 of its 64-byte x || y encoding.
    /// Allocation-free.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <c>default(PublicKey)</c>, which is no key.</exception>
    public static NodeId FromPublicKey(in PublicKey key)
    {
        Span<byte> encoded = stackalloc byte[2 * Length];
        key.WriteTo(encoded);

        // default(PublicKey) writes 64 zero bytes; (0, 0) is not on the curve, so no real key does.
        if (!encoded.ContainsAnyExcept((byte)0))
        {
            throw new ArgumentException(
                "default(PublicKey) is not a public key, so it has no node ID.", nameof(key));
        }

        Span<byte> hash = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash(encoded, hash);
        return new NodeId(hash);
    }

    /// <summary>Parses 64 hex digits, optionally prefixed by 0x; either case is accepted.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="hex"/> is null.</exception>
    /// <exception cref="FormatException">The text is not 64 hex digits (the message says how it differs).</exception>
    public static NodeId Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        string? error = TryParseCore(hex, out NodeId id);
        return error is null ? id : throw new FormatException(error);
    }

    /// <summary>Parses like <see cref="Parse(string)"/> but returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out NodeId id)
    {
        if (hex is null)
        {
            id = default;
            return false;
        }

        return TryParseCore(hex, out id) is null;
    }

    /// <summary>Parses like <see cref="Parse(string)"/> but returns false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out NodeId id) => TryParseCore(hex, out id) is null;

    /// <summary>
    /// go-ethereum's <c>enode.LogDist</c>: the bit length of <c>a XOR b</c>, from 0 (equal IDs) to
    /// 256. Kademlia buckets are indexed by it.
    /// </summary>
    public static int LogDistance(NodeId a, NodeId b)
    {
        int remaining = 4 * BitsPerWord;
        foreach (ulong x in (ReadOnlySpan<ulong>)[a._word0 ^ b._word0, a._word1 ^ b._word1, a._word2 ^ b._word2, a._word3 ^ b._word3])
        {
            if (x != 0)
            {
                return remaining - BitOperations.LeadingZeroCount(x);
            }

            remaining -= BitsPerWord;
        }

        return 0;
    }

    /// <summary>
    /// go-ethereum's <c>enode.DistCmp</c>: compares the XOR distances of <paramref name="a"/> and
    /// <paramref name="b"/> to <paramref name="target"/>.
    /// </summary>
    /// <returns>-1 when <paramref name="a"/> is closer, 1 when <paramref name="b"/> is closer, 0 when they are equally far (a = b).</returns>
    public static int CompareDistance(NodeId target, NodeId a, NodeId b)
    {
        int result = (a._word0 ^ target._word0).CompareTo(b._word0 ^ target._word0);
        if (result == 0)
        {
            result = (a._word1 ^ target._word1).CompareTo(b._word1 ^ target._word1);
        }

        if (result == 0)
        {
            result = (a._word2 ^ target._word2).CompareTo(b._word2 ^ target._word2);
        }

        if (result == 0)
        {
            result = (a._word3 ^ target._word3).CompareTo(b._word3 ^ target._word3);
        }

        return Math.Sign(result);
    }

    /// <summary>Writes the 32 bytes to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException(
                $"The destination must hold {Length} bytes; it has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _word0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[WordBytes..], _word1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[(2 * WordBytes)..], _word2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[(3 * WordBytes)..], _word3);
    }

    /// <summary>The 64 lowercase hex digits, no prefix (go-ethereum's <c>ID.String</c>).</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The first 8 bytes as 16 lowercase hex digits, for log lines (go-ethereum's
    /// <c>ID.TerminalString</c>).
    /// </summary>
    public string TerminalString()
    {
        Span<byte> bytes = stackalloc byte[WordBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _word0);
        return Convert.ToHexStringLower(bytes[..TerminalBytes]);
    }

    /// <summary>True when both IDs have the same 32 bytes.</summary>
    public bool Equals(NodeId other) =>
        _word0 == other._word0 && _word1 == other._word1 && _word2 == other._word2 && _word3 == other._word3;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is NodeId other && Equals(other);

    /// <summary>
    /// A hash of all 32 bytes with the process-randomized <see cref="HashCode"/> seed, so peers that
    /// grind keys cannot aim for one dictionary bucket.
    /// </summary>
    public override int GetHashCode() => HashCode.Combine(_word0, _word1, _word2, _word3);

    /// <summary>True when both IDs have the same 32 bytes.</summary>
    public static bool operator ==(NodeId left, NodeId right) => left.Equals(right);

    /// <summary>True when the IDs differ.</summary>
    public static bool operator !=(NodeId left, NodeId right) => !left.Equals(right);

    private static string? TryParseCore(ReadOnlySpan<char> hex, out NodeId id)
    {
        id = default;
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        // go-ethereum's ParseID says "wrong length, want 64 hex chars"; the texts here keep that phrase.
        if (hex.Length != HexLength)
        {
            return $"Invalid node ID: wrong length, want {HexLength} hex chars; got {hex.Length}.";
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(hex, bytes, out int consumed, out _) != OperationStatus.Done)
        {
            // FromHexString stops at the pair holding the bad digit; point at the digit itself.
            int bad = char.IsAsciiHexDigit(hex[consumed]) ? consumed + 1 : consumed;
            return $"Invalid node ID: '{hex[bad]}' at position {bad} is not a hex digit.";
        }

        id = new NodeId(bytes);
        return null;
    }
}
