using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Serializes node-ipc messages: <c>{"type":..,"data":..}</c> then the delimiter, type first as js-message writes it.</summary>
internal static class NodeIpcMessageWriter
{
    /// <summary>
    /// The writer escapes only what JSON requires (quotes, backslash, control characters) plus a few
    /// extra code points, as <c>JSON.stringify</c> does; HTML-safe escaping would be valid too but is
    /// pointless on a socket. Control characters are always escaped, so the default delimiter
    /// (form feed) never appears inside a message. The type and string data are written by
    /// <see cref="NodeIpcJsonString"/>, byte for byte as <c>JSON.stringify</c>; strings inside other
    /// data go through this encoder, which writes characters outside the BMP (emoji) as
    /// surrogate-pair <c>\u</c> escapes: the peer's <c>JSON.parse</c> gives the same string.
    /// </summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes one message into <paramref name="json"/>'s output and commits it (the caller flushes the output).</summary>
    public static void Write<TState>(Utf8JsonWriter json, string type, TState state, NodeIpcDataWriter<TState> writeData, ReadOnlySpan<byte> delimiter, IBufferWriter<byte> output)
    {
        json.WriteStartObject();
        json.WritePropertyName("type"u8);
        NodeIpcJsonString.WriteStringValue(json, type);
        json.WritePropertyName("data"u8);
        writeData(json, state);
        json.WriteEndObject();
        json.Flush();
        output.Write(delimiter);
    }

    /// <summary>Serializes one message into a pooled buffer that the caller disposes (UDP datagrams, broadcasts).</summary>
    public static PooledBufferWriter Serialize<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, ReadOnlySpan<byte> delimiter)
    {
        var buffer = new PooledBufferWriter();
        try
        {
            Utf8JsonWriter json = t_writer ??= new Utf8JsonWriter(buffer, Options);
            json.Reset(buffer);
            try
            {
                Write(json, type, state, writeData, delimiter, buffer);
            }
            finally
            {
                // Drop the reference so the thread-static writer does not keep the buffer alive.
                json.Reset(Stream.Null);
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
