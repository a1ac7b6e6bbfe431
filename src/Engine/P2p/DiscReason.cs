namespace Devp2p;

/// <summary>
/// Why a peer connection ended: the reason carried by the base protocol's Disconnect message
/// (code 0x01). The values are go-ethereum's <c>DiscReason</c> constants (<c>p2p/peer_error.go</c>)
/// and are the bytes on the wire; <see cref="DiscReasonExtensions.ToText"/> gives go-ethereum's text.
/// </summary>
/// <remarks>
/// A received reason may be any byte, including values with no member here; keep them as they
/// are (a cast) so logs show the number the peer sent.
/// </remarks>
public enum DiscReason : byte
{
    /// <summary>The peer asked to disconnect, with no more specific reason (0x00).</summary>
    Requested = 0x00,

    /// <summary>A transport error: the connection failed or was reset (0x01).</summary>
    NetworkError = 0x01,

    /// <summary>The peer broke the p2p or RLPx protocol, for example with a malformed message (0x02).</summary>
    ProtocolError = 0x02,

    /// <summary>The peer shares no capability with us or is otherwise of no use (0x03).</summary>
    UselessPeer = 0x03,

    /// <summary>The peer limit is reached (0x04).</summary>
    TooManyPeers = 0x04,

    /// <summary>A connection to this node already exists (0x05).</summary>
    AlreadyConnected = 0x05,

    /// <summary>The p2p base protocol versions are incompatible (0x06).</summary>
    IncompatibleVersion = 0x06,

    /// <summary>The node identity in the Hello message is invalid (0x07).</summary>
    InvalidIdentity = 0x07,

    /// <summary>The client is shutting down (0x08).</summary>
    Quitting = 0x08,

    /// <summary>The node identity differs from the one that was dialled (0x09).</summary>
    UnexpectedIdentity = 0x09,

    /// <summary>The remote node is this node (0x0a).</summary>
    Self = 0x0a,

    /// <summary>No message arrived within the read timeout (0x0b).</summary>
    ReadTimeout = 0x0b,

    /// <summary>A subprotocol failed, for example its Run returned an error (0x10).</summary>
    SubprotocolError = 0x10,

    /// <summary>
    /// Not sent on the wire: go-ethereum's <c>DiscInvalid</c>, the value its
    /// <c>decodeDisconnectMessage</c> reports when a Disconnect payload cannot be decoded (0xff).
    /// </summary>
    Invalid = 0xff,
}
