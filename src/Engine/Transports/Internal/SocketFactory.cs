using System.Net;
using System.Net.Sockets;

namespace Devp2p.Transports.Internal;

/// <summary>Creates stream sockets for the endpoint types the socket transport supports.</summary>
internal static class SocketFactory
{
    public static Socket Create(EndPoint endPoint, TransportOptions options)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                var tcp = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                tcp.NoDelay = options.NoDelay;
                return tcp;
            case UnixDomainSocketEndPoint:
                return new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            default:
                throw new ArgumentException(
                    $"The socket transport supports IPEndPoint and UnixDomainSocketEndPoint, not {endPoint.GetType().Name}.",
                    nameof(endPoint));
        }
    }
}
