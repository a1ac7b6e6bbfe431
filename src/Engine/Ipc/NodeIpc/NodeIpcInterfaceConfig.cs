using System.Net;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// Which local interface a client's TCP or TLS connection uses (node-ipc's <c>config.interface</c>,
/// passed to Node's <c>socket.connect</c>). Every setting is optional.
/// </summary>
public sealed class NodeIpcInterfaceConfig
{
    /// <summary>Local address to bind before connecting (<c>localAddress</c>); <see langword="null"/> lets the OS choose.</summary>
    public string? LocalAddress { get; set; }

    /// <summary>Local port to bind before connecting (<c>localPort</c>); <see langword="null"/> lets the OS choose.</summary>
    public int? LocalPort { get; set; }

    /// <summary>
    /// Address family to connect with (<c>family</c>): 4 for IPv4 only, 6 for IPv6 only,
    /// <see langword="null"/> (default) tries IPv4 addresses of the host first, then IPv6.
    /// </summary>
    public int? Family { get; set; }

    internal void Validate()
    {
        if (Family is not null and not 4 and not 6)
        {
            throw new ArgumentException($"NodeIpcInterfaceConfig.Family must be 4, 6 or null, not {Family}.", nameof(Family));
        }

        if (LocalPort is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"NodeIpcInterfaceConfig.LocalPort must be 0..65535, not {LocalPort}.", nameof(LocalPort));
        }

        if (LocalAddress is not null && !IPAddress.TryParse(LocalAddress, out _))
        {
            throw new ArgumentException($"NodeIpcInterfaceConfig.LocalAddress '{LocalAddress}' is not an IP address.", nameof(LocalAddress));
        }
    }
}
