using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Builds the bytes of one outbound message (a response, a batch of responses, or a subscription
/// notification) in a pooled buffer, so the message reaches the connection whole and only once it
/// is complete. Field order follows go-ethereum's <c>appendMessage</c>: jsonrpc, id, method, params,
/// error, result. Pooled per server; not thread-safe.
/// </summary>
internal sealed class RpcResponseBuilder
{
    // The relaxed encoder leaves non-ASCII text and '<', '>', '&' unescaped: the output is not
    // embedded in HTML, and geth's own encoder does not escape them in messages either.
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly PooledBufferWriter _buffer = new();
    private readonly Utf8JsonWriter _writer;
    private List<ServerSubscription>? _subscriptions;
    private bool _batch;

    public RpcResponseBuilder()
    {
        _writer = new Utf8JsonWriter(_buffer, s_writerOptions);
    }

    /// <summary>Responses written so far (batch elements count one each).</summary>
    public int ElementCount { get; private set; }

    /// <summary>Subscriptions created by the calls in this message; they start once it is sent.</summary>
    public List<ServerSubscription>? Subscriptions => _subscriptions;

    public Mark GetMark() => new(_buffer.WrittenCount, ElementCount);

    /// <summary>Drops everything written after <paramref name="mark"/>.</summary>
    public void Rollback(Mark mark)
    {
        _writer.Reset(_buffer);
        _buffer.Truncate(mark.Length);
        ElementCount = mark.Elements;
    }

    public void BeginBatch()
    {
        _batch = true;
        _buffer.Write((byte)'[');
    }

    /// <summary>Closes the message and returns its bytes, newline-terminated as geth's IPC codec writes them.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_batch)
        {
            _buffer.Write((byte)']');
        }

        _buffer.Write((byte)'\n');
        return _buffer.WrittenMemory;
    }

    public void AddSubscription(ServerSubscription subscription) => (_subscriptions ??= []).Add(subscription);

    public void Reset()
    {
        _buffer.Reset();
        _writer.Reset(_buffer);
        ElementCount = 0;
        _batch = false;
        _subscriptions?.Clear();
    }

    /// <summary>
    /// Writes a result response. If the value fails to serialize, what was written of it is dropped
    /// and an internal-error response takes its place, as geth does on a marshal error.
    /// </summary>
    /// <param name="id">The request id as raw JSON; empty writes null.</param>
    /// <param name="value">The result.</param>
    /// <param name="typeInfo">Serializes the result.</param>
    public void WriteResult<T>(ReadOnlySpan<byte> id, T value, JsonTypeInfo<T> typeInfo)
    {
        Mark mark = GetMark();
        try
        {
            BeginElement(id);
            _writer.WritePropertyName("result"u8);
            JsonSerializer.Serialize(_writer, value, typeInfo);
            EndElement();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Rollback(mark);
            WriteError(id, RpcErrorCodes.InternalError, ex.Message);
        }
    }

    /// <summary>Writes an error response.</summary>
    /// <param name="id">The request id as raw JSON; empty writes null.</param>
    /// <param name="code">The error code.</param>
    /// <param name="message">The error message.</param>
    /// <param name="data">The data member, or null to leave it out.</param>
    /// <param name="dataOptions">Resolves the data's type; the built-in context is tried after it.</param>
    public void WriteError(ReadOnlySpan<byte> id, int code, string message, object? data = null, JsonSerializerOptions? dataOptions = null)
    {
        // Serialized apart first: data that fails to serialize is left out instead of breaking the message.
        byte[]? dataJson = SerializeData(data, dataOptions);
        BeginElement(id);
        WriteErrorObject(code, message, dataJson);
        EndElement();
    }

    /// <summary>Writes a subscription notification: {"jsonrpc":"2.0","method":"ns_subscription","params":{"subscription":id,"result":value}}.</summary>
    /// <exception cref="Exception">The value failed to serialize; the builder must be rolled back or reset.</exception>
    public void WriteNotification<T>(string method, string subscriptionId, T value, JsonTypeInfo<T> typeInfo)
    {
        BeginNotification(method, subscriptionId);
        _writer.WritePropertyName("result"u8);
        JsonSerializer.Serialize(_writer, value, typeInfo);
        EndNotification();
    }

    /// <summary>
    /// Writes the notification that ends a subscription with an error: the params carry "error"
    /// instead of "result". This is an extension; geth never ends a subscription this way, and its
    /// client reports a notification without a result as a decoding error, which ends it there too.
    /// </summary>
    public void WriteNotificationError(string method, string subscriptionId, int code, string message)
    {
        BeginNotification(method, subscriptionId);
        WriteErrorObject(code, message, null);
        EndNotification();
    }

    private void BeginElement(ReadOnlySpan<byte> id)
    {
        if (_batch && ElementCount > 0)
        {
            _buffer.Write((byte)',');
        }

        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("jsonrpc"u8, "2.0"u8);
        _writer.WritePropertyName("id"u8);
        if (id.IsEmpty)
        {
            _writer.WriteNullValue();
        }
        else
        {
            // Echoed verbatim: the framer has already validated it.
            _writer.WriteRawValue(id, skipInputValidation: true);
        }
    }

    private void EndElement()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        ElementCount++;
    }

    private void BeginNotification(string method, string subscriptionId)
    {
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("jsonrpc"u8, "2.0"u8);
        _writer.WriteString("method"u8, method);
        _writer.WriteStartObject("params"u8);
        _writer.WriteString("subscription"u8, subscriptionId);
    }

    private void EndNotification()
    {
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        ElementCount++;
    }

    private void WriteErrorObject(int code, string message, byte[]? dataJson)
    {
        _writer.WriteStartObject("error"u8);
        _writer.WriteNumber("code"u8, code);
        _writer.WriteString("message"u8, message);
        if (dataJson is not null)
        {
            _writer.WritePropertyName("data"u8);
            _writer.WriteRawValue(dataJson, skipInputValidation: true);
        }

        _writer.WriteEndObject();
    }

    private static byte[]? SerializeData(object? data, JsonSerializerOptions? options)
    {
        if (data is null)
        {
            return null;
        }

        Type type = data.GetType();
        if ((options is null || !options.TryGetTypeInfo(type, out JsonTypeInfo? typeInfo))
            && !RpcJsonContext.Default.Options.TryGetTypeInfo(type, out typeInfo))
        {
            return null;
        }

        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(data, typeInfo);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>A point to roll back to: buffer length and response count.</summary>
    public readonly record struct Mark(int Length, int Elements);
}
