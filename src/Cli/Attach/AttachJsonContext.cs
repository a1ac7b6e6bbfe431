using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p.Cli.Attach;

/// <summary>Source-generated JSON metadata for what <c>devp2p attach</c> builds itself (bare-word arguments).</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AttachJsonContext : JsonSerializerContext
{
}
