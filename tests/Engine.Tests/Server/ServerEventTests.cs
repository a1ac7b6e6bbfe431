using System.Text.Json;
using System.Threading.Channels;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Samples.FooBar;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>Peer events: content, message events only when enabled, and slow subscribers.</summary>
public sealed class ServerEventTests
{
    [Fact]
    public async Task Add_and_drop_events_describe_the_peer()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        ChannelReader<PeerEvent> events = server.SubscribeEvents(cancellationToken: cts.Token);
        NodeId clientId = NodeId.FromPublicKey(clientKey.PublicKey);

        Peer client = await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        PeerEvent add = await events.ReadAsync(cts.Token);
        Assert.Equal(PeerEventType.Add, add.Type);
        Assert.Equal(clientId, add.Peer);
        Assert.Equal(client.LocalAddress!.ToString(), add.RemoteAddress);
        Assert.Equal(server.ListenAddr, add.LocalAddress);
        Assert.Null(add.Error);

        client.Disconnect(DiscReason.UselessPeer);
        PeerEvent drop = await events.ReadAsync(cts.Token);
        Assert.Equal(PeerEventType.Drop, drop.Type);
        Assert.Equal(clientId, drop.Peer);
        Assert.Equal(DiscReason.UselessPeer, drop.Reason);
        Assert.Equal("useless peer (remote)", drop.Error);

        // The drop is sent after the peer left the set.
        Assert.Equal(0, server.PeerCount);
        Assert.False(events.TryRead(out _));
    }

    [Fact]
    public async Task Message_events_come_only_with_EnableMsgEvents()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var quietKey = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        int serverBars = 0;
        Protocol ServerSide() => FooBarProtocol.Create(_ => Interlocked.Increment(ref serverBars));
        Protocol FooBar() => FooBarProtocol.Create(static _ => { });
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key, ServerSide()) with { EnableMsgEvents = true }, cts.Token);
        await using Server quiet = await ServerTestKit.StartAsync(ServerTestKit.Config(quietKey, ServerSide()), cts.Token);
        ChannelReader<PeerEvent> events = server.SubscribeEvents(cancellationToken: cts.Token);
        ChannelReader<PeerEvent> quietEvents = quiet.SubscribeEvents(cancellationToken: cts.Token);

        // Each server talks foo/bar with one client: foo out, foo in, bar out, bar in.
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey, FooBar()), cts.Token);
        await ServerTestKit.ConnectClientAsync(quiet, ServerTestKit.ClientOptions(clientKey, FooBar()), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => Volatile.Read(ref serverBars) == 2, "both servers got their bar", cts.Token);

        var seen = new List<PeerEvent>();
        while (seen.Count(static e => e.Type is PeerEventType.MsgSend or PeerEventType.MsgRecv) < 4)
        {
            seen.Add(await events.ReadAsync(cts.Token));
        }

        Assert.Equal(PeerEventType.Add, seen[0].Type);
        PeerEvent[] messages = seen.Where(static e => e.Type is PeerEventType.MsgSend or PeerEventType.MsgRecv).ToArray();
        Assert.Equal(2, messages.Count(static e => e.Type == PeerEventType.MsgSend));
        Assert.Equal(2, messages.Count(static e => e.Type == PeerEventType.MsgRecv));
        Assert.All(messages, static e =>
        {
            Assert.Equal("MyProtocol", e.Protocol);
            Assert.Equal(0UL, e.MsgCode);
            Assert.Equal(5U, e.MsgSize); // ["foo"] and ["bar"]: c4 83 xx xx xx
        });

        // The quiet server reports its peer, but no message.
        Assert.True(quietEvents.TryRead(out PeerEvent? quietAdd));
        Assert.Equal(PeerEventType.Add, quietAdd!.Type);
        Assert.False(quietEvents.TryRead(out _));
    }

    [Fact]
    public async Task A_slow_subscriber_loses_its_oldest_events_and_never_blocks_the_server()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        const int Messages = 2000;
        var received = new TaskCompletionSource();
        var sink = new Protocol
        {
            Name = "sink",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                for (int i = 0; i < Messages; i++)
                {
                    (await rw.ReadMsgAsync(ct)).Dispose();
                }

                received.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        var source = new Protocol
        {
            Name = "sink",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                for (int i = 0; i < Messages; i++)
                {
                    await rw.WriteMsgAsync(0, new byte[] { 0x80 }, ct);
                }

                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key, sink) with { EnableMsgEvents = true }, cts.Token);
        ChannelReader<PeerEvent> stalled = server.SubscribeEvents(capacity: 2, cts.Token);
        ChannelReader<PeerEvent> reader = server.SubscribeEvents(capacity: Messages + 10, cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey, source), cts.Token);
        await received.Task.WaitAsync(cts.Token);

        // The stalled subscriber holds just the two newest events (the add went first); the other got all of them.
        Assert.True(stalled.TryRead(out PeerEvent? older));
        Assert.True(stalled.TryRead(out PeerEvent? newest));
        Assert.False(stalled.TryRead(out _));
        Assert.Equal(PeerEventType.MsgRecv, older!.Type);
        Assert.Equal(PeerEventType.MsgRecv, newest!.Type);
        int count = 0;
        while (reader.TryRead(out PeerEvent? e))
        {
            count += e.Type == PeerEventType.MsgRecv ? 1 : 0;
        }

        Assert.Equal(Messages, count);
    }

    [Fact]
    public async Task ReadEventsAsync_streams_until_the_server_stops()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        var types = new List<PeerEventType>();
        var subscribed = new TaskCompletionSource();
        Task reading = Task.Run(async () =>
        {
            await using IAsyncEnumerator<PeerEvent> e = server.ReadEventsAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
            ValueTask<bool> first = e.MoveNextAsync();
            subscribed.SetResult();
            bool more = await first;
            while (more)
            {
                types.Add(e.Current.Type);
                more = await e.MoveNextAsync();
            }
        });
        await subscribed.Task;
        await Task.Delay(50, cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the peer is added", cts.Token);
        await server.StopAsync(cts.Token);
        await reading.WaitAsync(cts.Token);

        Assert.Equal(new[] { PeerEventType.Add, PeerEventType.Drop }, types);
    }

    [Fact]
    public void Events_serialize_in_go_ethereums_json_shape()
    {
        using var key = PrivateKey.Generate();
        NodeId id = NodeId.FromPublicKey(key.PublicKey);

        string add = JsonSerializer.Serialize(new PeerEvent { Type = PeerEventType.Add, Peer = id, LocalAddress = "127.0.0.1:30303", RemoteAddress = "127.0.0.1:40000" });
        string drop = JsonSerializer.Serialize(new PeerEvent { Type = PeerEventType.Drop, Peer = id, Error = "too many peers", Reason = DiscReason.TooManyPeers });
        string msg = JsonSerializer.Serialize(new PeerEvent { Type = PeerEventType.MsgRecv, Peer = id, Protocol = "eth", MsgCode = 3, MsgSize = 120 });

        Assert.Equal($$"""{"type":"add","peer":"{{id}}","local":"127.0.0.1:30303","remote":"127.0.0.1:40000"}""", add);
        Assert.Equal($$"""{"type":"drop","peer":"{{id}}","error":"too many peers"}""", drop);
        Assert.Equal($$"""{"type":"msgrecv","peer":"{{id}}","protocol":"eth","msg_code":3,"msg_size":120}""", msg);
        PeerEvent back = JsonSerializer.Deserialize<PeerEvent>(msg)!;
        Assert.Equal(id, back.Peer);
        Assert.Equal(PeerEventType.MsgRecv, back.Type);
    }
}
