using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Builds the bytes of one outbound request message (a call, a notification or a batch) for
/// <see cref="RpcClient"/>. Arguments are objects resolved through the client's type-info resolver,
/// so a source-generated context is all the serializer needs. Pooled per client; not thread-safe.
/// </summary>
internal sealed class RpcRequestBuilder
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly PooledBufferWriter _buffer = new();
    private readonly Utf8JsonWriter _writer;
    private bool _batch;
    private int _count;

    public RpcRequestBuilder()
    {
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
    }

    public void BeginBatch()
    {
        _batch = true;
        _buffer.Write((byte)'[');
    }

    /// <summary>Writes {"jsonrpc":"2.0","id":id,"method":method,"params":[args…]}; a null id writes a notification.</summary>
    /// <exception cref="ArgumentException">An argument's type has no JSON metadata in <paramref name="argumentOptions"/>.</exception>
    public void WriteRequest(long? id, string method, ReadOnlySpan<object?> args, JsonSerializerOptions argumentOptions)
    {
        if (_batch && _count > 0)
        {
            _buffer.Write((byte)',');
        }

        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("jsonrpc"u8, "2.0"u8);
        if (id is long value)
        {
            _writer.WriteNumber("id"u8, value);
        }

        _writer.WriteString("method"u8, method);
        _writer.WriteStartArray("params"u8);
        foreach (object? arg in args)
        {
            WriteArgument(arg, argumentOptions);
        }

        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        _count++;
    }

    /// <summary>Closes the message and returns its bytes, newline-terminated.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_batch)
        {
            _buffer.Write((byte)']');
        }

        _buffer.Write((byte)'\n');
        return _buffer.WrittenMemory;
    }

    /// <summary>Empties the builder for reuse from a pool.</summary>
    public void Reset()
    {
        _buffer.Reset();
        _writer.Reset(_buffer);
        _batch = false;
        _count = 0;
    }

    private void WriteArgument(object? arg, JsonSerializerOptions options)
    {
        switch (arg)
        {
            case null:
                _writer.WriteNullValue();
                return;
            case JsonElement element:
                element.WriteTo(_writer);
                return;
            case JsonDocument document:
                document.RootElement.WriteTo(_writer);
                return;
        }

        Type type = arg.GetType();
        if (!options.TryGetTypeInfo(type, out JsonTypeInfo? typeInfo))
        {
            throw new ArgumentException(
                $"No JSON metadata for an argument of type {type}: add the type to RpcClientOptions.ArgumentTypeInfoResolver, or pass the argument as a JsonElement (JsonSerializer.SerializeToElement).",
                nameof(arg));
        }

        JsonSerializer.Serialize(_writer, arg, typeInfo);
    }
}
