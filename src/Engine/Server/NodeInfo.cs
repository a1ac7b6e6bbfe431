using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p;

/// <summary>
/// What <c>admin_nodeInfo</c> shows of this node: go-ethereum's <c>p2p.NodeInfo</c>, with the same
/// JSON property names. <c>enr</c> is omitted until node records exist.
/// </summary>
public sealed class NodeInfo
{
    /// <summary>The node ID as 64 hex digits.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The client name sent in Hello.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The node's enode URL (<see cref="Server.Self"/>).</summary>
    [JsonPropertyName("enode")]
    public required string Enode { get; init; }

    /// <summary>The node record; null (omitted) until ENR support exists.</summary>
    [JsonPropertyName("enr")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Enr { get; init; }

    /// <summary>The advertised IP address.</summary>
    [JsonPropertyName("ip")]
    public required string Ip { get; init; }

    /// <summary>The discovery and listener ports.</summary>
    [JsonPropertyName("ports")]
    public required NodeInfoPorts Ports { get; init; }

    /// <summary>The bound TCP listen address, for example "[::]:30303" or "127.0.0.1:41234"; empty when not listening on TCP.</summary>
    [JsonPropertyName("listenAddr")]
    public required string ListenAddr { get; init; }

    /// <summary>Per protocol name: its <see cref="Protocol.NodeInfo"/>, or "unknown" when it has none.</summary>
    [JsonPropertyName("protocols")]
    public required IReadOnlyDictionary<string, JsonElement> Protocols { get; init; }
}
