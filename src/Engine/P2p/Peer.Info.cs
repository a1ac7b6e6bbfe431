using System.Net;
using System.Text.Json;
using Devp2p.Enode;
using Devp2p.Internal;

namespace Devp2p;

/// <content>Introspection: go-ethereum's PeerInfo and the peer's enode URL.</content>
public sealed partial class Peer
{
    private static readonly JsonElement s_unknown = JsonSerializer.SerializeToElement("unknown");
    private static readonly JsonElement s_handshake = JsonSerializer.SerializeToElement("handshake");

    /// <summary>
    /// The peer as an enode URL: its key with the connection's remote IP and TCP port (for an
    /// inbound peer that is its outgoing port, as go-ethereum reports it). A transport without an IP
    /// (Unix socket, in-memory, named pipe) gives a URL without address.
    /// </summary>
    public EnodeUrl Enode => RemoteAddress is IPEndPoint ip
        ? new EnodeUrl(PublicKey, ip.Address, ip.Port, ip.Port)
        : new EnodeUrl(PublicKey);

    /// <summary>
    /// Describes the peer as go-ethereum's <c>Peer.Info</c> does (the JSON of <c>admin_peers</c>):
    /// enode, id, name, caps, network (addresses, inbound, trusted, static) and, per running
    /// protocol, its <see cref="Protocol.PeerInfo"/>.
    /// </summary>
    /// <returns>A snapshot.</returns>
    public PeerInfo Info()
    {
        var protocols = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (ProtocolChannel channel in _channels)
        {
            JsonElement info = s_unknown;
            if (channel.Protocol.PeerInfo is { } query)
            {
                object? metadata = query(this);
                info = metadata is null ? s_handshake : JsonSerializer.SerializeToElement(metadata, metadata.GetType());
            }

            protocols[channel.Protocol.Name] = info;
        }

        return new PeerInfo
        {
            Enode = Enode.ToString(),
            Id = Id.ToString(),
            Name = Name,
            Caps = Caps.Select(static c => c.ToString()).ToArray(),
            Network = new PeerNetworkInfo
            {
                LocalAddress = LocalAddress?.ToString() ?? "",
                RemoteAddress = RemoteAddress?.ToString() ?? "",
                Inbound = Inbound,
                Trusted = IsTrusted,
                Static = IsStatic,
            },
            Protocols = protocols,
        };
    }
}
