using System.Text.Json;
using Devp2p.Engine.Tests.Servers;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <content>admin_subscribe "peerEvents", its notifications, and admin_unsubscribe.</content>
public sealed partial class NodeRpcApiTests
{
    /// <summary>go-ethereum's p2p.PeerEvent JSON tags.</summary>
    private static readonly string[] s_peerEventProperties = ["type", "peer", "error", "protocol", "msg_code", "msg_size", "local", "remote"];

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task PeerEvents_SendAddAndDrop_ForThePeer_UntilUnsubscribed(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RawRpcClient raw = await node.ConnectRawAsync(transport, cts.Token);
        string otherId = other.Self.Id.ToString();

        string subscribed = await raw.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"admin_subscribe","params":["peerEvents"]}""", cts.Token);
        string subscription;
        using (JsonDocument doc = JsonDocument.Parse(subscribed))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("id").GetInt32());
            subscription = doc.RootElement.GetProperty("result").GetString()!;
            Assert.StartsWith("0x", subscription, StringComparison.Ordinal);
        }

        // add
        node.Server.AddPeer(other.Self);
        using (JsonDocument add = JsonDocument.Parse((await raw.ReceiveAsync(cts.Token))!))
        {
            JsonElement e = AssertNotification(add.RootElement, subscription);
            Assert.Equal("add", e.GetProperty("type").GetString());
            Assert.Equal(otherId, e.GetProperty("peer").GetString());
            Assert.Equal(other.ListenAddr, e.GetProperty("remote").GetString());
            Assert.True(e.TryGetProperty("local", out _));
            Assert.False(e.TryGetProperty("error", out _));

            // Embedders decode the same notification with the typed metadata.
            PeerEvent typed = e.Deserialize(AdminJsonContext.Default.PeerEvent)!;
            Assert.Equal(PeerEventType.Add, typed.Type);
            Assert.Equal(other.Self.Id, typed.Peer);
        }

        // drop: the removePeer answer and the notification may come in either order.
        await raw.SendAsync($$"""{"jsonrpc":"2.0","id":2,"method":"admin_removePeer","params":["{{other.Self}}"]}""", cts.Token);
        bool answered = false;
        bool dropped = false;
        while (!answered || !dropped)
        {
            using JsonDocument line = JsonDocument.Parse((await raw.ReceiveAsync(cts.Token))!);
            if (line.RootElement.TryGetProperty("id", out _))
            {
                Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":true}""", line.RootElement.GetRawText());
                answered = true;
                continue;
            }

            JsonElement e = AssertNotification(line.RootElement, subscription);
            Assert.Equal("drop", e.GetProperty("type").GetString());
            Assert.Equal(otherId, e.GetProperty("peer").GetString());
            Assert.False(string.IsNullOrEmpty(e.GetProperty("error").GetString()));
            dropped = true;
        }

        // unsubscribe, after which no notification comes even though a peer connects again.
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"result":true}""",
            await raw.CallAsync($$"""{"jsonrpc":"2.0","id":3,"method":"admin_unsubscribe","params":["{{subscription}}"]}""", cts.Token));
        node.Server.AddPeer(other.Self);
        await ServerTestKit.WaitUntilAsync(() => node.Server.PeerCount == 1, "the peer is connected again", cts.Token);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":4,"result":"0x1"}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":4,"method":"net_peerCount"}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"error":{"code":-32000,"message":"subscription not found"}}""",
            await raw.CallAsync($$"""{"jsonrpc":"2.0","id":5,"method":"admin_unsubscribe","params":["{{subscription}}"]}""", cts.Token));
    }

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task PeerEvents_ThroughRpcClient_DecodeAsPeerEvent(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);

        await using IAsyncEnumerator<PeerEvent> events = client
            .SubscribeAsync(NodeRpcApi.AdminNamespace, NodeRpcApi.PeerEventsSubscription, AdminJsonContext.Default.PeerEvent, cts.Token)
            .GetAsyncEnumerator(cts.Token);
        ValueTask<bool> first = events.MoveNextAsync();

        // The subscribe request went out first on this connection; the server reads requests in order
        // and registers a subscription while reading it, so once this answer is back no event is missed.
        await client.CallAsync("net_peerCount", s_json.String, cts.Token);

        Assert.True(await client.CallAsync("admin_addPeer", s_json.Boolean, cts.Token, other.Self.ToString()));
        Assert.True(await first);
        Assert.Equal(PeerEventType.Add, events.Current.Type);
        Assert.Equal(other.Self.Id, events.Current.Peer);

        Assert.True(await client.CallAsync("admin_removePeer", s_json.Boolean, cts.Token, other.Self.ToString()));
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(PeerEventType.Drop, events.Current.Type);
        Assert.Equal(other.Self.Id, events.Current.Peer);
        Assert.NotNull(events.Current.Error);
    }

    private static JsonElement AssertNotification(JsonElement message, string subscription)
    {
        Assert.Equal("2.0", message.GetProperty("jsonrpc").GetString());
        Assert.Equal("admin_subscription", message.GetProperty("method").GetString());
        Assert.False(message.TryGetProperty("id", out _));
        JsonElement parameters = message.GetProperty("params");
        Assert.Equal(subscription, parameters.GetProperty("subscription").GetString());
        JsonElement result = parameters.GetProperty("result");
        Assert.All(AdminTestNode.PropertyNames(result), name => Assert.Contains(name, s_peerEventProperties));
        return result;
    }
}
