using System.Buffers;
using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// Reads the envelope of a message in one pass over the receive buffer, copying nothing but the
/// type's characters (into a reused array) and a changed <c>data.id</c>. Mirrors js-message:
/// <c>JSON.parse</c>, then <c>type</c> and <c>data</c> fields in any order, extra fields ignored,
/// the last of duplicate fields winning. One instance per connection; not thread-safe.
/// </summary>
internal sealed class NodeIpcEnvelopeReader
{
    private const int InitialTypeCapacity = 64;

    private char[] _typeChars = new char[InitialTypeCapacity];
    private int _typeLength;

    /// <summary>The type of the last message read as <see cref="NodeIpcEnvelopeKind.Message"/>; valid until the next read.</summary>
    public ReadOnlySpan<char> Type => _typeChars.AsSpan(0, _typeLength);

    /// <param name="message">The message without its delimiter.</param>
    /// <param name="captureId">Whether to look for a truthy <c>data.id</c> (servers do, as node-ipc's <c>gotData</c>).</param>
    /// <param name="currentId">The id already known, so an unchanged id allocates nothing.</param>
    public NodeIpcEnvelope Read(ReadOnlySequence<byte> message, bool captureId, string? currentId)
    {
        _typeLength = 0;
        bool hasType = false;
        bool hasData = false;
        long dataStart = 0;
        long dataEnd = 0;
        string? id = null;
        var reader = new Utf8JsonReader(message);
        try
        {
            if (!reader.Read())
            {
                return Malformed("the message is empty");
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                return Malformed("the message is null, not an object");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                EnsureEnd(ref reader);
                return new NodeIpcEnvelope { Kind = NodeIpcEnvelopeKind.NoType };
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    hasType = ReadType(ref reader);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    hasData = true;
                    dataStart = reader.TokenStartIndex;
                    if (captureId && reader.TokenType == JsonTokenType.StartObject)
                    {
                        id = ReadDataObjectId(ref reader, currentId);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    dataEnd = reader.BytesConsumed;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            EnsureEnd(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that is not valid UTF-16 (a lone surrogate),
            // which JSON.parse accepts; it is a malformed message here, not a broken connection.
            return Malformed(ex.Message);
        }

        if (!hasType)
        {
            return new NodeIpcEnvelope { Kind = NodeIpcEnvelopeKind.NoType };
        }

        return new NodeIpcEnvelope
        {
            Kind = NodeIpcEnvelopeKind.Message,
            HasData = hasData,
            Data = hasData ? message.Slice(dataStart, dataEnd - dataStart) : default,
            Id = id,
        };
    }

    private static NodeIpcEnvelope Malformed(string error) => new() { Kind = NodeIpcEnvelopeKind.Malformed, Error = error };

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // JSON.parse rejects anything but whitespace after the value; Read throws on it.
        if (reader.Read())
        {
            throw new JsonException($"Unexpected {reader.TokenType} after the message's JSON value.");
        }
    }

    /// <summary>
    /// Takes the type as its event name. Strings are used as they are; numbers and booleans by their
    /// text, since JavaScript turns them into those property keys. Null, objects and arrays give no
    /// usable name.
    /// </summary>
    private bool ReadType(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                EnsureTypeCapacity(reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length);
                _typeLength = reader.CopyString(_typeChars);
                return true;
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                int i = 0;
                if (reader.HasValueSequence)
                {
                    EnsureTypeCapacity(reader.ValueSequence.Length);
                    foreach (ReadOnlyMemory<byte> segment in reader.ValueSequence)
                    {
                        CopyAscii(segment.Span, _typeChars, ref i);
                    }
                }
                else
                {
                    EnsureTypeCapacity(reader.ValueSpan.Length);
                    CopyAscii(reader.ValueSpan, _typeChars, ref i);
                }

                _typeLength = i;
                return true;
            default:
                _typeLength = 0;
                return false;
        }
    }

    private static void CopyAscii(ReadOnlySpan<byte> source, char[] destination, ref int index)
    {
        // Number and literal tokens are ASCII.
        foreach (byte b in source)
        {
            destination[index++] = (char)b;
        }
    }

    private void EnsureTypeCapacity(long bytes)
    {
        // An unescaped UTF-8 string never has more UTF-16 chars than bytes.
        if (bytes > _typeChars.Length)
        {
            _typeChars = new char[checked((int)Math.Max(bytes, _typeChars.Length * 2L))];
        }
    }

    /// <summary>Walks the top level of the data object (skipping nested values) and returns the last truthy <c>id</c>.</summary>
    private static string? ReadDataObjectId(ref Utf8JsonReader reader, string? currentId)
    {
        string? id = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            if (isId)
            {
                id = ReadTruthyId(ref reader, currentId) ?? id;
            }

            reader.Skip();
        }

        return id;
    }

    private static string? ReadTruthyId(ref Utf8JsonReader reader, string? currentId)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (reader.ValueIsEmpty())
                {
                    return null;
                }

                return currentId is not null && reader.ValueTextEquals(currentId) ? currentId : reader.GetString();
            case JsonTokenType.Number:
                // 0 (and -0, 0.0, 0e5) is falsy in JavaScript.
                if (reader.TryGetDouble(out double number) && number == 0)
                {
                    return null;
                }

                // The number's text, as JavaScript would print most numbers.
                return reader.HasValueSequence
                    ? System.Text.Encoding.ASCII.GetString(reader.ValueSequence.ToArray())
                    : System.Text.Encoding.ASCII.GetString(reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            default:
                return null;
        }
    }
}
