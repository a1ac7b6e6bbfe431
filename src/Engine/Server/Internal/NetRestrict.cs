using System.Net;

namespace Devp2p.Internal;

/// <summary>The NetRestrict test (go-ethereum's <c>Netlist.Contains</c>).</summary>
internal static class NetRestrict
{
    /// <summary>True when <paramref name="list"/> is null (no restriction) or a network in it holds <paramref name="ip"/>.</summary>
    public static bool Allows(IReadOnlyList<IPNetwork>? list, IPAddress ip)
    {
        if (list is null)
        {
            return true;
        }

        IPAddress normalized = Normalize(ip);
        foreach (IPNetwork network in list)
        {
            if (network.Contains(normalized))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An IPv4-mapped IPv6 address (from a dual-stack socket) as IPv4, so IPv4 networks match it.</summary>
    public static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}
