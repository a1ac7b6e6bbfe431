using System.Net;
using System.Net.Sockets;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Host name resolution for TCP, TLS and UDP servers and clients.</summary>
internal static class NodeIpcAddresses
{
    /// <summary>
    /// The addresses of <paramref name="host"/>, IPv4 first (node-ipc's default host is 127.0.0.1),
    /// restricted to <paramref name="family"/> when given.
    /// </summary>
    /// <exception cref="IOException">The host has no address of the wanted family, or cannot be resolved.</exception>
    public static async ValueTask<IPAddress[]> ResolveAsync(string host, AddressFamily? family, CancellationToken cancellationToken)
    {
        IPAddress[] all;
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            all = [literal];
        }
        else
        {
            try
            {
                all = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new IOException($"Cannot resolve the node-ipc host '{host}': {ex.Message}", ex);
            }
        }

        IPAddress[] ordered = all
            .Where(a => family is null ? a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 : a.AddressFamily == family)
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ToArray();
        if (ordered.Length == 0)
        {
            string which = family switch
            {
                AddressFamily.InterNetwork => "IPv4 ",
                AddressFamily.InterNetworkV6 => "IPv6 ",
                _ => string.Empty,
            };
            throw new IOException($"The node-ipc host '{host}' has no {which}address.");
        }

        return ordered;
    }

    public static AddressFamily? FamilyOf(int? family) => family switch
    {
        4 => AddressFamily.InterNetwork,
        6 => AddressFamily.InterNetworkV6,
        _ => null,
    };
}
