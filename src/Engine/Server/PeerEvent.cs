using System.Text.Json.Serialization;
using Devp2p.Enode;
using Devp2p.Internal;

namespace Devp2p;

/// <summary>
/// A change in the server's peer set, or a message on a peer: go-ethereum's <c>p2p.PeerEvent</c>,
/// with the same JSON property names (<c>type</c>, <c>peer</c>, <c>error</c>, <c>protocol</c>,
/// <c>msg_code</c>, <c>msg_size</c>, <c>local</c>, <c>remote</c>; empty ones omitted).
/// </summary>
/// <remarks>Immutable; one instance is shared by every subscriber.</remarks>
public sealed class PeerEvent
{
    /// <summary>What happened.</summary>
    [JsonPropertyName("type")]
    public required PeerEventType Type { get; init; }

    /// <summary>The peer's node ID (JSON: 64 hex digits).</summary>
    [JsonPropertyName("peer")]
    [JsonConverter(typeof(NodeIdJsonConverter))]
    public required NodeId Peer { get; init; }

    /// <summary>For <see cref="PeerEventType.Drop"/>: why the peer ended, as text (for example "client quitting").</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>For message events: the protocol name.</summary>
    [JsonPropertyName("protocol")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Protocol { get; init; }

    /// <summary>For message events: the message code within the protocol.</summary>
    [JsonPropertyName("msg_code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? MsgCode { get; init; }

    /// <summary>For message events: the payload size in bytes (uncompressed).</summary>
    [JsonPropertyName("msg_size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? MsgSize { get; init; }

    /// <summary>For add and drop: our end of the connection.</summary>
    [JsonPropertyName("local")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalAddress { get; init; }

    /// <summary>For add and drop: the remote end of the connection.</summary>
    [JsonPropertyName("remote")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteAddress { get; init; }

    /// <summary>For <see cref="PeerEventType.Drop"/>: the disconnect reason (not in go-ethereum's JSON, so not serialized).</summary>
    [JsonIgnore]
    public DiscReason? Reason { get; init; }
}
