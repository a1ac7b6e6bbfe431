using System.Net;
using System.Net.Sockets;
using Devp2p.Enode;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <summary>
/// The default <see cref="INodeDialer"/>: TCP to the node's IP and TCP port. A node given by DNS
/// name is resolved at dial time (IPv4 preferred, as go-ethereum prefers it). Stateless and safe to share.
/// </summary>
public sealed class TcpNodeDialer : INodeDialer
{
    private readonly SocketTransportDialer _dialer;

    /// <summary>Creates a dialer.</summary>
    /// <param name="options">Pipe and socket settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives connection diagnostics; nothing is logged when null.</param>
    public TcpNodeDialer(TransportOptions? options = null, ILogger? logger = null)
    {
        _dialer = new SocketTransportDialer(options, logger);
    }

    /// <inheritdoc/>
    public async ValueTask<TransportConnection> DialAsync(EnodeUrl node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!node.HasAddress)
        {
            throw new ArgumentException($"Node {node.Id.TerminalString()} has no address to dial (its enode URL gives only the key).", nameof(node));
        }

        if (node.TcpPort == 0)
        {
            throw new ArgumentException($"Node {node.Id.TerminalString()} has no TCP port.", nameof(node));
        }

        IPEndPoint endPoint = node.TcpEndPoint ?? await ResolveAsync(node, cancellationToken).ConfigureAwait(false);
        try
        {
            return await _dialer.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Cannot connect to {endPoint}: {ex.Message}", ex);
        }
    }

    private static async Task<IPEndPoint> ResolveAsync(EnodeUrl node, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(node.Hostname!, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Cannot resolve {node.Hostname}: {ex.Message}", ex);
        }

        IPAddress? chosen = addresses.FirstOrDefault(static a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault(static a => a.AddressFamily == AddressFamily.InterNetworkV6);
        return chosen is null
            ? throw new IOException($"{node.Hostname} resolves to no IP address.")
            : new IPEndPoint(chosen, node.TcpPort);
    }
}
