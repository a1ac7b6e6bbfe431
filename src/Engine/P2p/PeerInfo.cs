using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p;

/// <summary>
/// What <c>admin_peers</c> shows of one peer: go-ethereum's <c>p2p.PeerInfo</c>, with the same JSON
/// property names.
/// </summary>
public sealed class PeerInfo
{
    /// <summary>The peer's node record, when known (go: <c>enr</c>, omitted when empty).</summary>
    [JsonPropertyName("enr")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Enr { get; init; }

    /// <summary>The peer's enode URL, with the connection's remote IP and port.</summary>
    [JsonPropertyName("enode")]
    public required string Enode { get; init; }

    /// <summary>The node ID as 64 hex digits.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The client name from its Hello.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The capabilities it advertised, as "name/version".</summary>
    [JsonPropertyName("caps")]
    public required IReadOnlyList<string> Caps { get; init; }

    /// <summary>The connection.</summary>
    [JsonPropertyName("network")]
    public required PeerNetworkInfo Network { get; init; }

    /// <summary>
    /// Per running protocol: its <see cref="Protocol.PeerInfo"/> result, "handshake" when that
    /// returned null, or "unknown" when the protocol has no PeerInfo, as go-ethereum reports.
    /// </summary>
    [JsonPropertyName("protocols")]
    public required IReadOnlyDictionary<string, JsonElement> Protocols { get; init; }
}
