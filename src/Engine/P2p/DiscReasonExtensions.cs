using System.Globalization;

namespace Devp2p;

/// <summary>Text for <see cref="DiscReason"/> values, matching go-ethereum's <c>DiscReason.String</c>.</summary>
public static class DiscReasonExtensions
{
    /// <summary>
    /// Returns go-ethereum's text for <paramref name="reason"/>, for example "too many peers", or
    /// "unknown disconnect reason N" for a value without a name.
    /// </summary>
    /// <remarks>
    /// go-ethereum keeps the texts in an array indexed by value, so for the unnamed values
    /// 0x0c-0x0f inside its range it prints an empty string; here those get the "unknown" text
    /// too, since an empty reason in a log line reads as a bug.
    /// </remarks>
    /// <param name="reason">The reason, named or not.</param>
    /// <returns>The text; the named values return a cached literal and do not allocate.</returns>
    public static string ToText(this DiscReason reason) => reason switch
    {
        DiscReason.Requested => "disconnect requested",
        DiscReason.NetworkError => "network error",
        DiscReason.ProtocolError => "breach of protocol",
        DiscReason.UselessPeer => "useless peer",
        DiscReason.TooManyPeers => "too many peers",
        DiscReason.AlreadyConnected => "already connected",
        DiscReason.IncompatibleVersion => "incompatible p2p protocol version",
        DiscReason.InvalidIdentity => "invalid node identity",
        DiscReason.Quitting => "client quitting",
        DiscReason.UnexpectedIdentity => "unexpected identity",
        DiscReason.Self => "connected to self",
        DiscReason.ReadTimeout => "read timeout",
        DiscReason.SubprotocolError => "subprotocol error",
        _ => string.Create(CultureInfo.InvariantCulture, $"unknown disconnect reason {(byte)reason}"),
    };
}
