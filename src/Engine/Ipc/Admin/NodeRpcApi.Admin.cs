using System.Threading.Channels;
using Devp2p.Enode;

namespace Devp2p.Ipc.Admin;

/// <content>The admin namespace: node and peer information, peer management, peer events.</content>
public static partial class NodeRpcApi
{
    private static void RegisterAdmin(RpcMethodRegistry registry, Server server)
    {
        AdminJsonContext json = AdminJsonContext.Default;
        registry.Add("admin_nodeInfo", json.NodeInfo, _ => ValueTask.FromResult(server.NodeInfo()));
        registry.Add("admin_peers", json.IReadOnlyListPeerInfo, _ => ValueTask.FromResult(server.PeersInfo()));

        registry.Add("admin_addPeer", json.String, json.Boolean, (url, _) =>
        {
            EnodeUrl node = ParseNode(url);
            EnsureRunning(server);
            server.AddPeer(node);
            return ValueTask.FromResult(true);
        });

        registry.Add("admin_removePeer", json.String, json.Boolean, async (url, ct) =>
        {
            EnodeUrl node = ParseNode(url);
            EnsureRunning(server);

            // As geth's Server.RemovePeer, answer once the peer has left the set (its drop event went out).
            await server.RemovePeerAsync(node, ct).ConfigureAwait(false);
            return true;
        });

        registry.Add("admin_addTrustedPeer", json.String, json.Boolean, (url, _) =>
        {
            EnodeUrl node = ParseNode(url);
            EnsureRunning(server);
            server.AddTrustedPeer(node);
            return ValueTask.FromResult(true);
        });

        registry.Add("admin_removeTrustedPeer", json.String, json.Boolean, (url, _) =>
        {
            EnodeUrl node = ParseNode(url);
            EnsureRunning(server);
            server.RemoveTrustedPeer(node);
            return ValueTask.FromResult(true);
        });

        registry.AddSubscription(AdminNamespace, PeerEventsSubscription, json.PeerEvent, ct => PeerEvents(server, ct));
    }

    /// <summary>
    /// Subscribes to the server's events now, while the subscribe call runs, so no event between the
    /// subscribe response and the first read is lost (geth's <c>PeerEvents</c> subscribes before it returns, too).
    /// </summary>
    private static IAsyncEnumerable<PeerEvent> PeerEvents(Server server, CancellationToken cancellationToken)
    {
        ChannelReader<PeerEvent> events = server.SubscribeEvents(Server.DefaultEventBufferCapacity, cancellationToken);
        return events.ReadAllAsync(cancellationToken);
    }

    /// <summary>Parses the URL; on failure, geth's <c>fmt.Errorf("invalid enode: %v", err)</c> with the parser's reason.</summary>
    private static EnodeUrl ParseNode(string url)
    {
        if (EnodeUrl.TryParse(url, out EnodeUrl? node, out string? error))
        {
            return node;
        }

        // The parser says "Invalid enode URL: <reason>"; geth's message carries the reason after its own prefix.
        string reason = error.StartsWith(EnodeUrlParser.Prefix, StringComparison.Ordinal) ? error[EnodeUrlParser.Prefix.Length..] : error;
        throw new RpcException("invalid enode: " + reason);
    }
}
