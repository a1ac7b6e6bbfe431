using System.Net;
using System.Net.Sockets;

namespace Devp2p.Internal;

/// <summary>
/// go-ethereum's inbound history (<c>checkInboundConn</c>): an IP that connected within the window
/// is refused until its entry expires. LAN and loopback addresses are exempt unless told otherwise.
/// Thread-safe; touched once per accepted connection.
/// </summary>
internal sealed class InboundThrottle
{
    private readonly object _lock = new();
    private readonly Dictionary<IPAddress, long> _expiry = new();
    private readonly PriorityQueue<IPAddress, long> _order = new();
    private readonly long _windowMs;
    private readonly bool _exemptLan;

    public InboundThrottle(TimeSpan window, bool exemptLan)
    {
        _windowMs = (long)window.TotalMilliseconds;
        _exemptLan = exemptLan;
    }

    /// <summary>Records an attempt from <paramref name="ip"/>; false when it is throttled.</summary>
    public bool TryRecord(IPAddress ip, long nowMs)
    {
        if (_exemptLan && IsLan(ip))
        {
            return true;
        }

        lock (_lock)
        {
            while (_order.TryPeek(out IPAddress? oldest, out long expiry) && expiry <= nowMs)
            {
                _order.Dequeue();
                if (_expiry.TryGetValue(oldest, out long current) && current == expiry)
                {
                    _expiry.Remove(oldest);
                }
            }

            if (_expiry.ContainsKey(ip))
            {
                return false;
            }

            long until = nowMs + _windowMs;
            _expiry[ip] = until;
            _order.Enqueue(ip, until);
            return true;
        }
    }

    /// <summary>go-ethereum's <c>AddrIsLAN</c>: loopback, private (RFC 1918, fc00::/7), or link-local.</summary>
    public static bool IsLan(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip))
        {
            return true;
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            ip.TryWriteBytes(b, out _);
            return b[0] == 10
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254);
        }

        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            ip.TryWriteBytes(b, out _);
            return (b[0] & 0xFE) == 0xFC || ip.IsIPv6LinkLocal;
        }

        return false;
    }
}
