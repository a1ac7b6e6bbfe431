using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// The <c>data</c> writers behind the emit overloads. Each applies node-ipc's send rule
/// (<c>EventParser.format</c>): data that is falsy in JavaScript, other than <c>false</c> and
/// <c>0</c> (undefined, null, the empty string), is sent as <c>{}</c>.
/// </summary>
internal static class NodeIpcDataWriters
{
    public static readonly NodeIpcDataWriter<byte> EmptyObject = static (writer, _) => WriteEmptyObject(writer);

    public static readonly NodeIpcDataWriter<string?> String = static (writer, value) =>
    {
        if (string.IsNullOrEmpty(value))
        {
            WriteEmptyObject(writer);
        }
        else
        {
            NodeIpcJsonString.WriteStringValue(writer, value);
        }
    };

    public static readonly NodeIpcDataWriter<JsonElement> Element = static (writer, value) => WriteElement(writer, value);

    public static NodeIpcDataWriter<(T Value, JsonTypeInfo<T> TypeInfo)> Typed<T>() => TypedWriter<T>.Instance;

    private static void WriteElement(Utf8JsonWriter writer, JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && value.ValueEquals(ReadOnlySpan<byte>.Empty)))
        {
            WriteEmptyObject(writer);
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    private static void WriteEmptyObject(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    private static class TypedWriter<T>
    {
        public static readonly NodeIpcDataWriter<(T Value, JsonTypeInfo<T> TypeInfo)> Instance = static (writer, state) =>
        {
            T value = state.Value;
            if (value is null || (value is string { Length: 0 }))
            {
                WriteEmptyObject(writer);
            }
            else if (value is string text)
            {
                NodeIpcJsonString.WriteStringValue(writer, text);
            }
            else if (value is JsonElement element)
            {
                WriteElement(writer, element);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, state.TypeInfo);
            }
        };
    }
}
