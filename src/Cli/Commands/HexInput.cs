namespace Devp2p.Cli.Commands;

/// <summary>
/// Hex text as users paste it: an optional <c>0x</c> prefix, upper or lower case, and whitespace
/// anywhere (line breaks from a file, spaces between bytes), which is ignored.
/// </summary>
internal static class HexInput
{
    /// <summary>Decodes <paramref name="text"/>, or says which character or count is wrong.</summary>
    /// <param name="text">The hex text.</param>
    /// <param name="bytes">The decoded bytes (empty for text with no digits), or empty on failure.</param>
    /// <param name="error">Null on success; otherwise one sentence naming the problem and its position.</param>
    /// <returns>True when the text is valid hex.</returns>
    public static bool TryDecode(string text, out byte[] bytes, out string? error)
    {
        ReadOnlySpan<char> span = text.AsSpan();
        int start = 0;
        while (start < span.Length && IsAsciiWhiteSpace(span[start]))
        {
            start++;
        }

        if (span[start..].StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            start += 2;
        }

        int digitCount = 0;
        for (int i = start; i < span.Length; i++)
        {
            char c = span[i];
            if (char.IsAsciiHexDigit(c))
            {
                digitCount++;
            }
            else if (!IsAsciiWhiteSpace(c))
            {
                bytes = [];
                error = char.IsControl(c) || c > '~'
                    ? $"the character U+{(int)c:X4} at position {i} is not a hex digit."
                    : $"the character '{c}' at position {i} is not a hex digit.";
                return false;
            }
        }

        if (digitCount % 2 != 0)
        {
            bytes = [];
            error = $"odd number of hex digits ({digitCount}); each byte takes two.";
            return false;
        }

        bytes = new byte[digitCount / 2];
        int high = -1;
        int index = 0;
        for (int i = start; i < span.Length; i++)
        {
            char c = span[i];
            if (!char.IsAsciiHexDigit(c))
            {
                continue;
            }

            int value = HexValue(c);
            if (high < 0)
            {
                high = value;
            }
            else
            {
                bytes[index++] = (byte)((high << 4) | value);
                high = -1;
            }
        }

        error = null;
        return true;
    }

    /// <summary>
    /// ASCII whitespace only: with <c>char.IsWhiteSpace</c>, the Latin-1 bytes 0x85 and 0xA0 of a
    /// binary file would count as whitespace and could make it look like hex.
    /// </summary>
    private static bool IsAsciiWhiteSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';

    private static int HexValue(char c) => c switch
    {
        <= '9' => c - '0',
        <= 'F' => c - 'A' + 10,
        _ => c - 'a' + 10,
    };
}
