using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Source-generated metadata for the node-ipc tests' payloads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TestPoint))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class NodeIpcTestJsonContext : JsonSerializerContext
{
}
