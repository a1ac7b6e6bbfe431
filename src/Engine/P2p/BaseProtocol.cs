namespace Devp2p;

/// <summary>
/// Constants of the devp2p base protocol ("p2p" capability, ethereum/devp2p rlpx.md), with
/// go-ethereum's values (<c>p2p/peer.go</c>).
/// </summary>
internal static class BaseProtocol
{
    /// <summary>The version we advertise in Hello: 5, the first with snappy compression.</summary>
    public const ulong Version = 5;

    /// <summary>
    /// Message codes the base protocol reserves (0x00-0x0f); subprotocol codes start here, which is
    /// why capability matching assigns the first offset 16.
    /// </summary>
    public const uint Length = 16;

    /// <summary>
    /// From this base protocol version on (when both sides advertise it) every message after Hello
    /// is snappy-compressed (rlpx.md, "Message Compression").
    /// </summary>
    public const ulong SnappyVersion = 5;

    /// <summary>Code of the Hello message, the first message each side sends.</summary>
    public const byte HelloCode = 0x00;

    /// <summary>Code of the Disconnect message, which carries a <see cref="DiscReason"/>.</summary>
    public const byte DisconnectCode = 0x01;

    /// <summary>Code of the Ping message; the receiver answers with Pong.</summary>
    public const byte PingCode = 0x02;

    /// <summary>Code of the Pong message.</summary>
    public const byte PongCode = 0x03;
}
