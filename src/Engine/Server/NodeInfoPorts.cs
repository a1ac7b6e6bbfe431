using System.Text.Json.Serialization;

namespace Devp2p;

/// <summary>The <c>ports</c> part of <see cref="NodeInfo"/>.</summary>
public sealed class NodeInfoPorts
{
    /// <summary>The UDP discovery port; 0 with <see cref="ServerConfig.NoDiscovery"/>.</summary>
    [JsonPropertyName("discovery")]
    public int Discovery { get; init; }

    /// <summary>The TCP (RLPx) listening port; 0 when not listening on TCP.</summary>
    [JsonPropertyName("listener")]
    public int Listener { get; init; }
}
