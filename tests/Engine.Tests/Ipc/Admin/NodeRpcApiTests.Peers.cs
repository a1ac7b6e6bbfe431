using System.Text.Json;
using Devp2p.Engine.Tests.Servers;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <content>admin_addPeer, admin_removePeer, the trusted set, admin_peers and net_peerCount.</content>
public sealed partial class NodeRpcApiTests
{
    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task AddPeer_DialsIt_ThenAdminPeersShowsIt_InGethsShape(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);
        string otherId = other.Self.Id.ToString();

        Assert.Equal("[]", (await client.CallAsync("admin_peers", s_json.JsonElement, cts.Token)).GetRawText());
        Assert.True(await client.CallAsync("admin_addPeer", s_json.Boolean, cts.Token, other.Self.ToString()));

        JsonElement peers = await AdminTestNode.WaitForPeersAsync(client, static p => p.GetArrayLength() == 1, "the added peer is connected", cts.Token);
        JsonElement peer = peers[0];

        // geth's p2p.PeerInfo: enr (omitempty), enode, id, name, caps, network{...}, protocols.
        Assert.Equal(["caps", "enode", "id", "name", "network", "protocols"], AdminTestNode.PropertyNames(peer));
        Assert.Equal(["inbound", "localAddress", "remoteAddress", "static", "trusted"], AdminTestNode.PropertyNames(peer.GetProperty("network")));
        Assert.Equal(otherId, peer.GetProperty("id").GetString());
        Assert.Equal(other.Config.Name, peer.GetProperty("name").GetString());
        Assert.Equal(["hold/1"], peer.GetProperty("caps").EnumerateArray().Select(static c => c.GetString()!).ToArray());
        JsonElement network = peer.GetProperty("network");
        Assert.False(network.GetProperty("inbound").GetBoolean());
        Assert.True(network.GetProperty("static").GetBoolean());
        Assert.False(network.GetProperty("trusted").GetBoolean());
        Assert.Equal(other.ListenAddr, network.GetProperty("remoteAddress").GetString());
        Assert.Equal("0x1", await client.CallAsync("net_peerCount", s_json.String, cts.Token));

        // The other side sees us as an inbound peer: a real connection, not bookkeeping.
        Assert.Equal(node.Server.Self.Id, Assert.Single(other.Peers).Id);

        PeerInfo[] typed = await client.CallAsync("admin_peers", AdminJsonContext.Default.PeerInfoArray, cts.Token);
        Assert.Equal(otherId, Assert.Single(typed).Id);
    }

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task RemovePeer_AnswersOnceThePeerIsGone(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);
        Assert.True(await client.CallAsync("admin_addPeer", s_json.Boolean, cts.Token, other.Self.ToString()));
        await AdminTestNode.WaitForPeersAsync(client, static p => p.GetArrayLength() == 1, "the added peer is connected", cts.Token);

        Assert.True(await client.CallAsync("admin_removePeer", s_json.Boolean, cts.Token, other.Self.ToString()));

        // As geth's RemovePeer, the answer comes after the peer left the set.
        Assert.Equal("[]", (await client.CallAsync("admin_peers", s_json.JsonElement, cts.Token)).GetRawText());
        Assert.Equal("0x0", await client.CallAsync("net_peerCount", s_json.String, cts.Token));

        // It was taken off the static list too: no redial brings it back (RedialInterval is 200 ms).
        await Task.Delay(600, cts.Token);
        Assert.Equal(0, node.Server.PeerCount);

        // Removing a peer that is not connected is fine, as in geth.
        Assert.True(await client.CallAsync("admin_removePeer", s_json.Boolean, cts.Token, other.Self.ToString()));
    }

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task TrustedPeer_IsMarkedOnTheConnectedPeer_AndUnmarked(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);

        // The other node dials us, so the peer is inbound and not static.
        other.AddPeer(node.Server.Self);
        await AdminTestNode.WaitForPeersAsync(client, static p => p.GetArrayLength() == 1, "the other node connected", cts.Token);

        Assert.True(await client.CallAsync("admin_addTrustedPeer", s_json.Boolean, cts.Token, other.Self.ToString()));
        JsonElement peers = await AdminTestNode.WaitForPeersAsync(
            client,
            static p => p.GetArrayLength() == 1 && p[0].GetProperty("network").GetProperty("trusted").GetBoolean(),
            "the peer is trusted",
            cts.Token);
        Assert.True(peers[0].GetProperty("network").GetProperty("inbound").GetBoolean());
        Assert.False(peers[0].GetProperty("network").GetProperty("static").GetBoolean());

        // Only the key matters for trust: a bare enode:// id works.
        Assert.True(await client.CallAsync("admin_removeTrustedPeer", s_json.Boolean, cts.Token, "enode://" + other.Self.PublicKey.ToHex()));
        await AdminTestNode.WaitForPeersAsync(
            client,
            static p => p.GetArrayLength() == 1 && !p[0].GetProperty("network").GetProperty("trusted").GetBoolean(),
            "the peer is no longer trusted",
            cts.Token);
    }

    [Fact]
    public async Task NetPeerCount_IsAHexQuantity()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await node.ConnectAsync(AdminTestNode.InProcess, cts.Token);
        var keys = new List<Devp2p.Crypto.PrivateKey>();
        var others = new List<Server>();
        try
        {
            for (int i = 0; i < 11; i++)
            {
                var key = Devp2p.Crypto.PrivateKey.Generate();
                keys.Add(key);
                Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
                others.Add(other);
                other.AddPeer(node.Server.Self);
            }

            await ServerTestKit.WaitUntilAsync(() => node.Server.PeerCount == 11, "eleven peers connected", cts.Token);

            // hexutil.Uint: lowercase, no leading zeros.
            Assert.Equal("0xb", await client.CallAsync("net_peerCount", s_json.String, cts.Token));
        }
        finally
        {
            await Task.WhenAll(others.Select(static s => s.StopAsync()));
            keys.ForEach(static k => k.Dispose());
        }
    }
}
