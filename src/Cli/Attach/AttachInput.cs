using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

using Devp2p.Ipc;

namespace Devp2p.Cli.Attach;

/// <summary>
/// Reads the lines of <c>devp2p attach</c> into <see cref="AttachRequest"/>s. A line is a method
/// followed by its parameters, separated by blanks (commas between them are allowed):
/// <code>
/// admin_peers
/// admin_addPeer "enode://…@127.0.0.1:30303"
/// admin_addPeer enode://…@127.0.0.1:30303
/// web3_sha3 "0x68656c6c6f"
/// </code>
/// Each parameter is a JSON value; a word that does not start like one (a letter, not
/// <c>true</c>/<c>false</c>/<c>null</c>) is taken as a string, so URLs need no quotes. geth console
/// spelling works too: <c>admin.peers</c> and <c>admin.addPeer("enode://…")</c>.
/// </summary>
internal static class AttachInput
{
    /// <summary>Parses a line as <see cref="TryParse"/> does.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The request.</returns>
    /// <exception cref="FormatException">The line is not a call; the message says what is wrong.</exception>
    public static AttachRequest Parse(string line) =>
        TryParse(line, out AttachRequest? request, out string? error) ? request : throw new FormatException(error);

    /// <summary>Parses one line.</summary>
    /// <param name="line">The line.</param>
    /// <param name="request">The request, or null on failure.</param>
    /// <param name="error">What is wrong with the line, or null on success.</param>
    /// <returns>True when the line is a call.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? line,
        [NotNullWhen(true)] out AttachRequest? request,
        [NotNullWhen(false)] out string? error)
    {
        request = null;
        string text = line?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "nothing to call: type a method, as admin_peers";
            return false;
        }

        int end = 0;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.'))
        {
            end++;
        }

        string name = text[..end];
        if (end == 0 || (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '('))
        {
            error = $"\"{FirstWord(text)}\" is not a method name: write namespace_method [params...], as admin_addPeer \"enode://...\"";
            return false;
        }

        string? method = ToMethodName(name);
        if (method is null)
        {
            error = $"\"{name}\" is not a method name: write namespace_method, as admin_peers";
            return false;
        }

        string rest = text[end..].Trim();
        List<JsonElement>? parameters = rest.StartsWith('(')
            ? ParseCallSyntax(rest, out error)
            : ParseValues(rest, out error);
        if (parameters is null)
        {
            error ??= "the arguments do not parse";
            return false;
        }

        request = new AttachRequest { Method = method, Params = parameters };
        return true;
    }

    /// <summary>admin_peers stays; admin.peers (geth console) becomes admin_peers; anything else is null.</summary>
    private static string? ToMethodName(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            if (name.IndexOf('.', dot + 1) >= 0 || name.Contains('_', StringComparison.Ordinal))
            {
                return null;
            }

            name = string.Concat(name.AsSpan(0, dot), "_", name.AsSpan(dot + 1));
        }

        int separator = name.IndexOf('_', StringComparison.Ordinal);
        return separator > 0 && separator < name.Length - 1 ? name : null;
    }

    /// <summary>The geth console form: (arg, arg, ...) holding a JSON array's contents.</summary>
    private static List<JsonElement>? ParseCallSyntax(string rest, out string? error)
    {
        if (!rest.EndsWith(')'))
        {
            error = "missing ')' at the end of the call";
            return null;
        }

        string inner = rest[1..^1];
        try
        {
            using JsonDocument doc = JsonDocument.Parse("[" + inner + "]");
            var parameters = new List<JsonElement>();
            foreach (JsonElement element in doc.RootElement.EnumerateArray())
            {
                parameters.Add(element.Clone());
            }

            error = null;
            return parameters;
        }
        catch (JsonException ex)
        {
            error = $"the arguments ({inner}) are not JSON values separated by commas: {ex.Message}";
            return null;
        }
    }

    /// <summary>Blank- (or comma-) separated JSON values and bare words.</summary>
    private static List<JsonElement>? ParseValues(string rest, out string? error)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(rest);
        var parameters = new List<JsonElement>();
        int position = 0;
        while (true)
        {
            position = SkipSeparators(bytes, position, allowComma: parameters.Count > 0);
            if (position == bytes.Length)
            {
                error = null;
                return parameters;
            }

            ReadOnlySpan<byte> remaining = bytes.AsSpan(position);
            if (StartsLikeJson(remaining))
            {
                var reader = new Utf8JsonReader(remaining, new JsonReaderOptions { AllowMultipleValues = true });
                try
                {
                    parameters.Add(JsonElement.ParseValue(ref reader));
                }
                catch (JsonException ex)
                {
                    error = $"argument {parameters.Count + 1} is not valid JSON: {ex.Message}";
                    return null;
                }

                position += (int)reader.BytesConsumed;
                if (position < bytes.Length && !IsSeparator(bytes[position]))
                {
                    error = $"argument {parameters.Count} is followed by \"{FirstWord(Encoding.UTF8.GetString(bytes, position, bytes.Length - position))}\" without a blank between them";
                    return null;
                }
            }
            else
            {
                int end = position;
                while (end < bytes.Length && !IsSeparator(bytes[end]))
                {
                    end++;
                }

                string word = Encoding.UTF8.GetString(bytes, position, end - position);
                parameters.Add(JsonSerializer.SerializeToElement(word, RpcJsonContext.Default.String));
                position = end;
            }
        }
    }

    private static int SkipSeparators(byte[] bytes, int position, bool allowComma)
    {
        bool comma = false;
        while (position < bytes.Length)
        {
            byte b = bytes[position];
            if (b == (byte)',' && allowComma && !comma)
            {
                comma = true;
            }
            else if (!IsBlank(b))
            {
                break;
            }

            position++;
        }

        return position;
    }

    private static bool StartsLikeJson(ReadOnlySpan<byte> text)
    {
        byte first = text[0];
        if (first is (byte)'"' or (byte)'[' or (byte)'{' or (byte)'-' || (first >= (byte)'0' && first <= (byte)'9'))
        {
            return true;
        }

        return IsLiteral(text, "true"u8) || IsLiteral(text, "false"u8) || IsLiteral(text, "null"u8);
    }

    private static bool IsLiteral(ReadOnlySpan<byte> text, ReadOnlySpan<byte> literal) =>
        text.StartsWith(literal) && (text.Length == literal.Length || IsSeparator(text[literal.Length]));

    private static bool IsSeparator(byte b) => IsBlank(b) || b == (byte)',';

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static string FirstWord(string text)
    {
        int end = text.IndexOfAny([' ', '\t']);
        return end < 0 ? text : text[..end];
    }
}
