using System.Text.Json.Serialization;

namespace Devp2p;

/// <summary>What a <see cref="PeerEvent"/> reports; serialized as go-ethereum's strings.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PeerEventType>))]
public enum PeerEventType
{
    /// <summary>A peer passed every check and was added to the peer set ("add").</summary>
    [JsonStringEnumMemberName("add")]
    Add,

    /// <summary>A peer ended and left the peer set ("drop").</summary>
    [JsonStringEnumMemberName("drop")]
    Drop,

    /// <summary>A protocol message was sent to a peer ("msgsend"; only with <see cref="ServerConfig.EnableMsgEvents"/>).</summary>
    [JsonStringEnumMemberName("msgsend")]
    MsgSend,

    /// <summary>A protocol message was received from a peer ("msgrecv"; only with <see cref="ServerConfig.EnableMsgEvents"/>).</summary>
    [JsonStringEnumMemberName("msgrecv")]
    MsgRecv,
}
