using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>An item type for subscription and result tests.</summary>
public sealed record TestItem(
    [property: JsonPropertyName("seq")] int Seq,
    [property: JsonPropertyName("text")] string Text);

/// <summary>Source-generated metadata for every type the IPC tests send or receive.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(TestItem))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class RpcTestJsonContext : JsonSerializerContext
{
}
