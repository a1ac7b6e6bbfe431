using System.Text.Json.Serialization;

namespace Devp2p;

/// <summary>The <c>network</c> part of <see cref="PeerInfo"/>.</summary>
public sealed class PeerNetworkInfo
{
    /// <summary>Our end of the connection, for example "127.0.0.1:30303".</summary>
    [JsonPropertyName("localAddress")]
    public required string LocalAddress { get; init; }

    /// <summary>The remote end of the connection.</summary>
    [JsonPropertyName("remoteAddress")]
    public required string RemoteAddress { get; init; }

    /// <summary>Whether the remote dialled us.</summary>
    [JsonPropertyName("inbound")]
    public bool Inbound { get; init; }

    /// <summary>Whether the peer is in the trusted set.</summary>
    [JsonPropertyName("trusted")]
    public bool Trusted { get; init; }

    /// <summary>Whether the peer is a static node we keep dialling.</summary>
    [JsonPropertyName("static")]
    public bool Static { get; init; }
}
