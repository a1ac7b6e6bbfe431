using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Devp2p.Ipc;

namespace Devp2p.Cli.Attach;

/// <summary>How <c>devp2p attach</c> prints results, notifications and errors.</summary>
internal static class AttachOutput
{
    private static readonly JsonWriterOptions s_pretty = new()
    {
        Indented = true,

        // For reading, not for a parser: keep '+', '<', '&' and non-ASCII names as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Pretty-prints a JSON value with two-space indentation (a bare value such as <c>true</c> or <c>"0x3"</c> stays on one line).</summary>
    /// <param name="value">The value; an undefined element prints as <c>null</c>.</param>
    /// <returns>The text, without a trailing newline.</returns>
    public static string FormatResult(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return "null";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_pretty))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Describes an error response: <c>error -32602: invalid argument 0: …</c>, with its data when present.</summary>
    /// <param name="error">The error the server answered with.</param>
    /// <returns>One line.</returns>
    public static string FormatError(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string text = $"error {error.Code}: {error.Message}";
        if (error.ErrorData is JsonElement data && data.ValueKind != JsonValueKind.Undefined)
        {
            text += " (data: " + data.GetRawText() + ")";
        }

        return text;
    }
}
