namespace Devp2p.Ipc.Admin;

/// <summary>
/// go-ethereum's node API for a <see cref="Server"/>, registered on an <see cref="RpcMethodRegistry"/>
/// with geth's method names, JSON shapes and error messages, so that <c>geth attach</c>, web3
/// libraries and <c>devp2p attach</c> can manage the node:
/// <list type="bullet">
/// <item><c>admin_nodeInfo</c>, <c>admin_peers</c>, <c>admin_addPeer</c>, <c>admin_removePeer</c>,
/// <c>admin_addTrustedPeer</c>, <c>admin_removeTrustedPeer</c>, and <c>admin_subscribe</c> with
/// <c>"peerEvents"</c> (notifications are <c>admin_subscription</c> carrying a <see cref="PeerEvent"/>);</item>
/// <item><c>net_peerCount</c> (a hex quantity such as <c>"0x3"</c>) and <c>net_listening</c>;</item>
/// <item><c>web3_clientVersion</c> (the server's <see cref="ServerConfig.Name"/>) and <c>web3_sha3</c>;</item>
/// <item><c>rpc_modules</c>, which every registry serves.</item>
/// </list>
/// </summary>
/// <remarks>
/// The API uses only the server's public surface. Methods that change the peer set need a running
/// server and fail with "node not started" (-32000, geth's <c>ErrNodeStopped</c>) otherwise; a URL
/// that does not parse fails with "invalid enode: …" (-32000), as in geth's <c>node/api.go</c>.
/// </remarks>
public static partial class NodeRpcApi
{
    /// <summary>The namespace of the peer management methods and of the peer event subscription.</summary>
    public const string AdminNamespace = "admin";

    /// <summary>The subscription name of peer events: <c>admin_subscribe</c> with params <c>["peerEvents"]</c>.</summary>
    public const string PeerEventsSubscription = "peerEvents";

    /// <summary>
    /// Registers the admin, net and web3 methods and the peer event subscription for <paramref name="server"/>.
    /// The registry keeps a reference to the server for as long as the methods stay registered.
    /// </summary>
    /// <param name="registry">The registry an <see cref="RpcServer"/> serves.</param>
    /// <param name="server">The node; it may be started before or after registration.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">One of the methods or the subscription is already registered.</exception>
    public static void Register(RpcMethodRegistry registry, Server server)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(server);
        RegisterAdmin(registry, server);
        RegisterNet(registry, server);
        RegisterWeb3(registry, server);
    }

    private static void EnsureRunning(Server server)
    {
        if (!server.IsRunning)
        {
            // geth's ErrNodeStopped, which has no code of its own.
            throw new RpcException("node not started");
        }
    }
}
