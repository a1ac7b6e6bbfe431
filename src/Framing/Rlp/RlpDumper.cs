namespace Devp2p.Framing.Rlp;

/// <summary>
/// Pretty-prints the structure of RLP data in the text format of go-ethereum's <c>rlpdump</c>
/// (<c>cmd/rlpdump/main.go</c>), for tools and debugging.
/// </summary>
/// <remarks>
/// <para>
/// The format, item by item, indented by two spaces per level of list nesting:
/// </para>
/// <list type="bullet">
/// <item><description>
/// A byte string that is empty, or whose bytes are all printable ASCII (0x20 to 0x7E), is printed
/// quoted as Go's <c>%q</c> prints it: <c>"</c> and <c>\</c> are escaped with a backslash, every
/// other byte is itself. So the empty string is <c>""</c> and <c>83 63 61 74</c> is <c>"cat"</c>.
/// </description></item>
/// <item><description>
/// Any other byte string is printed as lowercase hex without a prefix: <c>82 04 00</c> is <c>0400</c>,
/// the single byte <c>05</c> is <c>05</c>.
/// </description></item>
/// <item><description>The empty list is <c>[]</c>.</description></item>
/// <item><description>
/// A non-empty list is <c>[</c> on its own line, then each element on the next level, each followed
/// by <c>,</c> and a newline (the last one too, as in go-ethereum), then <c>]</c> at the list's level.
/// </description></item>
/// </list>
/// <para>
/// The input may hold several concatenated top-level items; each is printed followed by a newline.
/// Lines end with <c>\n</c> on every platform. Unlike <c>rlpdump</c>, which prints the items before an
/// error and then stops, the dumper checks the whole input first, so invalid input produces no output.
/// It also rejects empty input, where <c>rlpdump</c> prints nothing: the empty encoding is not RLP.
/// </para>
/// <para>
/// The walk is iterative, so hostile nesting (one byte per level) cannot overflow the stack. Input is
/// checked with the same canonical-form rules as <see cref="RlpReader"/>; an item that is a valid byte
/// string but not a canonical integer is still printed, since the dump knows nothing of types.
/// </para>
/// </remarks>
public static class RlpDumper
{
    /// <summary>Spaces per nesting level, as in go-ethereum's <c>rlpdump</c>.</summary>
    private const int IndentWidth = 2;

    /// <summary>Characters of hex formatted at a time, so a long byte string needs no string of its own size.</summary>
    private const int HexChunkChars = 512;

    /// <summary>Spaces that <see cref="WriteIndent"/> slices; deeper indents are written in several pieces.</summary>
    private static readonly string s_spaces = new(' ', 128);

    /// <summary>Formats every top-level item of <paramref name="encoded"/>.</summary>
    /// <param name="encoded">One or more concatenated RLP items.</param>
    /// <returns>The dump: one block per top-level item, each ending with <c>\n</c>.</returns>
    /// <exception cref="RlpException">
    /// The input is empty, or an item is malformed or non-canonical, or runs past its list or the input.
    /// <see cref="RlpException.Offset"/> is the offset of the offending item.
    /// </exception>
    public static string Dump(ReadOnlySpan<byte> encoded)
    {
        // Validate first: hostile nesting that fails deep down would otherwise format a quadratic
        // amount of indentation before the error is found.
        Walk(encoded, null);
        using var output = new StringWriter();
        Walk(encoded, output);
        return output.ToString();
    }

    /// <summary>
    /// Formats every top-level item of <paramref name="encoded"/> to <paramref name="output"/>. The
    /// whole input is validated before anything is written, so on an exception nothing was written.
    /// </summary>
    /// <param name="encoded">One or more concatenated RLP items.</param>
    /// <param name="output">Where the text goes; it is not flushed or disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="RlpException">
    /// The input is empty, or an item is malformed or non-canonical, or runs past its list or the input.
    /// <see cref="RlpException.Offset"/> is the offset of the offending item.
    /// </exception>
    public static void Dump(ReadOnlySpan<byte> encoded, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Walk(encoded, null);
        Walk(encoded, output);
    }

    /// <summary>
    /// Walks every item in document order without recursion. <paramref name="output"/> null only
    /// validates. <c>limit</c> is the end of the innermost open list (or of the input) and
    /// <c>listEnds</c> holds the limits of the lists around it, so its count is the current depth.
    /// </summary>
    private static void Walk(ReadOnlySpan<byte> data, TextWriter? output)
    {
        if (data.IsEmpty)
        {
            RlpThrowHelper.ThrowUnexpectedEnd(0, inList: false);
        }

        var listEnds = new List<int>();
        int position = 0;
        int limit = data.Length;
        while (true)
        {
            // Close every list that ends here; the last item of a list can end several at once.
            while (listEnds.Count > 0 && position == limit)
            {
                limit = listEnds[^1];
                listEnds.RemoveAt(listEnds.Count - 1);
                if (output is not null)
                {
                    WriteIndent(output, listEnds.Count);
                    output.Write(']');
                    WriteTerminator(output, listEnds.Count);
                }
            }

            if (position == data.Length)
            {
                return;
            }

            int depth = listEnds.Count;
            RlpKind kind = RlpReader.ParseHeader(
                data[..limit], position, 0, depth > 0, out int headerLength, out int payloadLength);
            if (kind == RlpKind.List && payloadLength > 0)
            {
                if (output is not null)
                {
                    WriteIndent(output, depth);
                    output.Write("[\n");
                }

                listEnds.Add(limit);
                position += headerLength;
                limit = position + payloadLength;
                continue;
            }

            if (output is not null)
            {
                WriteIndent(output, depth);
                if (kind == RlpKind.List)
                {
                    output.Write("[]");
                }
                else
                {
                    WriteByteString(output, data.Slice(position + headerLength, payloadLength));
                }

                WriteTerminator(output, depth);
            }

            position += headerLength + payloadLength;
        }
    }

    /// <summary>Inside a list every element is followed by a comma (the last one too); a top-level item by a newline alone.</summary>
    private static void WriteTerminator(TextWriter output, int depth) => output.Write(depth > 0 ? ",\n" : "\n");

    private static void WriteIndent(TextWriter output, int depth)
    {
        // A long is used so absurd depths cannot overflow the multiplication.
        long remaining = (long)depth * IndentWidth;
        while (remaining > 0)
        {
            int count = (int)Math.Min(remaining, s_spaces.Length);
            output.Write(s_spaces.AsSpan(0, count));
            remaining -= count;
        }
    }

    private static void WriteByteString(TextWriter output, ReadOnlySpan<byte> value)
    {
        if (IsPrintableAscii(value))
        {
            WriteQuoted(output, value);
        }
        else
        {
            WriteHex(output, value);
        }
    }

    /// <summary>go-ethereum's <c>isASCII</c>: true for the empty string and for bytes 0x20 to 0x7E only.</summary>
    private static bool IsPrintableAscii(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Go's <c>strconv.Quote</c> restricted to printable ASCII, which is all it is called with here:
    /// only the quote and the backslash need escaping.
    /// </summary>
    private static void WriteQuoted(TextWriter output, ReadOnlySpan<byte> value)
    {
        output.Write('"');
        foreach (byte b in value)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                output.Write('\\');
            }

            output.Write((char)b);
        }

        output.Write('"');
    }

    private static void WriteHex(TextWriter output, ReadOnlySpan<byte> value)
    {
        Span<char> chunk = stackalloc char[HexChunkChars];
        while (!value.IsEmpty)
        {
            ReadOnlySpan<byte> part = value[..Math.Min(value.Length, HexChunkChars / 2)];
            Convert.TryToHexStringLower(part, chunk, out int written);
            output.Write(chunk[..written]);
            value = value[part.Length..];
        }
    }
}
