using System.Diagnostics.Metrics;

namespace Devp2p.Internal;

/// <summary>
/// The server's instruments on the "Devp2p.Server" meter. Names follow OpenTelemetry style; the
/// counters of go-ethereum's <c>p2p/metrics.go</c> map onto them (serve/dial meters, active peer gauges,
/// ingress/egress traffic).
/// </summary>
internal static class ServerMetrics
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "Devp2p.Server";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Connected peers, tagged <c>direction</c> = inbound | outbound.</summary>
    public static readonly UpDownCounter<long> Peers = s_meter.CreateUpDownCounter<long>("devp2p.server.peers", "{peer}", "Connected peers.");

    /// <summary>Dials by <c>outcome</c>: connected, dial_failed, handshake_failed, netrestrict (a DNS name resolved outside NetRestrict).</summary>
    public static readonly Counter<long> Dials = s_meter.CreateCounter<long>("devp2p.server.dials", "{dial}", "Outbound dials by outcome.");

    /// <summary>Accepted inbound connections by <c>outcome</c>: accepted, netrestrict, throttled, too_many_pending.</summary>
    public static readonly Counter<long> InboundConnections = s_meter.CreateCounter<long>("devp2p.server.inbound_connections", "{connection}", "Inbound connections by what happened on accept.");

    /// <summary>Connections that did not become peers, by <c>reason</c> (a DiscReason text, "rlpx handshake", "hello", "timeout", "server stopped").</summary>
    public static readonly Counter<long> HandshakeFailures = s_meter.CreateCounter<long>("devp2p.server.handshake_failures", "{connection}", "Connections that failed setup, by reason.");

    /// <summary>Protocol messages received.</summary>
    public static readonly Counter<long> MessagesIn = s_meter.CreateCounter<long>("devp2p.server.messages.in", "{message}", "Protocol messages received.");

    /// <summary>Protocol messages sent.</summary>
    public static readonly Counter<long> MessagesOut = s_meter.CreateCounter<long>("devp2p.server.messages.out", "{message}", "Protocol messages sent.");

    /// <summary>Protocol payload bytes received (after decompression).</summary>
    public static readonly Counter<long> BytesIn = s_meter.CreateCounter<long>("devp2p.server.bytes.in", "By", "Protocol payload bytes received.");

    /// <summary>Protocol payload bytes sent (before compression).</summary>
    public static readonly Counter<long> BytesOut = s_meter.CreateCounter<long>("devp2p.server.bytes.out", "By", "Protocol payload bytes sent.");

    /// <summary>Peer events dropped because a subscriber's buffer was full.</summary>
    public static readonly Counter<long> EventsDropped = s_meter.CreateCounter<long>("devp2p.server.events.dropped", "{event}", "Peer events dropped by full subscriber buffers.");

    public static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
