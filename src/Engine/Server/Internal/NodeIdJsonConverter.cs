using System.Text.Json;
using System.Text.Json.Serialization;
using Devp2p.Enode;

namespace Devp2p.Internal;

/// <summary>Writes a <see cref="NodeId"/> as its 64 hex digits, as go-ethereum's <c>enode.ID</c> marshals.</summary>
internal sealed class NodeIdJsonConverter : JsonConverter<NodeId>
{
    public override NodeId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.GetString();
        return NodeId.TryParse(text, out NodeId id)
            ? id
            : throw new JsonException($"\"{text}\" is not a node ID (64 hex digits).");
    }

    public override void Write(Utf8JsonWriter writer, NodeId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
