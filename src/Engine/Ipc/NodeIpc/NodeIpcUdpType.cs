namespace Devp2p.Ipc.NodeIpc;

/// <summary>The UDP flavours of node-ipc's <c>serveNet(host, port, UDPType)</c>.</summary>
public enum NodeIpcUdpType
{
    /// <summary>UDP over IPv4 (<c>'udp4'</c>); a host of <c>::1</c> is served on 127.0.0.1, as node-ipc does.</summary>
    Udp4,

    /// <summary>UDP over IPv6 (<c>'udp6'</c>).</summary>
    Udp6,
}
