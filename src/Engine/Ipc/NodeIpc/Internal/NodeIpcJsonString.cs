using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// Writes a string literal exactly as <c>JSON.stringify</c> does (ES2019): <c>"</c> and <c>\</c>
/// escaped, control characters as <c>\b \t \n \f \r</c> or <c>\u00xx</c>, lone surrogates as
/// <c>\udxxx</c>, everything else (é, €, emoji, U+2028) as raw UTF-8. The built-in encoders would
/// escape characters outside the BMP, so message types and string data, the common case, would
/// not be byte-identical to what node-ipc sends.
/// </summary>
internal static class NodeIpcJsonString
{
    // Strings up to this many UTF-8 bytes (worst case) are escaped on the stack.
    private const int StackLimit = 512;

    // Worst case per UTF-16 unit: a six-byte \uXXXX escape.
    private const int MaxBytesPerChar = 6;

    public static void WriteStringValue(Utf8JsonWriter writer, string value)
    {
        // Printable ASCII (the common case): with the relaxed encoder, the writer's own vectorized
        // escaping gives exactly JSON.stringify's bytes (only " and \ are escaped, as \" and \\).
        if (!value.AsSpan().ContainsAnyExceptInRange(' ', '~')
            && ReferenceEquals(writer.Options.Encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping))
        {
            writer.WriteStringValue(value);
            return;
        }

        int maxLength = checked((value.Length * MaxBytesPerChar) + 2);
        byte[]? rented = null;
        Span<byte> buffer = maxLength <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            int written = Escape(value, buffer);
            writer.WriteRawValue(buffer[..written], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Escape(string value, Span<byte> destination)
    {
        int written = 0;
        destination[written++] = (byte)'"';
        int runStart = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\' && !char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                // A valid pair stays in the raw run.
                i++;
                continue;
            }

            written += Encoding.UTF8.GetBytes(value.AsSpan(runStart, i - runStart), destination[written..]);
            written += WriteEscape(c, destination[written..]);
            runStart = i + 1;
        }

        written += Encoding.UTF8.GetBytes(value.AsSpan(runStart), destination[written..]);
        destination[written++] = (byte)'"';
        return written;
    }

    private static int WriteEscape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        char shortForm = c switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\f' => 'f',
            '\r' => 'r',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            destination[1] = (byte)shortForm;
            return 2;
        }

        // JSON.stringify writes other control characters and lone surrogates as lowercase \uXXXX.
        destination[1] = (byte)'u';
        const string hex = "0123456789abcdef";
        destination[2] = (byte)hex[(c >> 12) & 0xF];
        destination[3] = (byte)hex[(c >> 8) & 0xF];
        destination[4] = (byte)hex[(c >> 4) & 0xF];
        destination[5] = (byte)hex[c & 0xF];
        return 6;
    }
}
