using System.Collections.Concurrent;
using System.Text.Json;
using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Our client against our server over a Unix socket: messages, order, broadcast, ids, errors.</summary>
public sealed class NodeIpcUnixSocketTests
{
    [Fact]
    public async Task ServesTheDefaultPathAndAnswersTheWorldExample()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("message", async (data, socket, ct) => await s.EmitAsync(socket, "message", data.GetString() + " world!", ct)));
        Assert.Equal(dir.Root + "app.world", server.Path);
        Assert.True(File.Exists(dir.Root + "app.world"));

        var replies = new Probe<string>();
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c =>
            c.On("message", data => replies.Add(data.GetString()!)));
        Assert.Equal(dir.Root + "app.world", client.Path);
        await client.EmitAsync("message", "hello", cts.Token);

        Assert.Equal("hello world!", await replies.NextAsync(cts.Token));
        await server.StopAsync(cts.Token);
        Assert.False(File.Exists(dir.Root + "app.world"));
    }

    [Fact]
    public async Task TenThousandMessagesArriveInOrder()
    {
        const int count = 10_000;
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var received = new List<int>(count);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("n", NodeIpcTestJsonContext.Default.Int32, (n, _) =>
            {
                received.Add(n);
                if (received.Count == count)
                {
                    all.TrySetResult();
                }
            }));
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        for (int i = 0; i < count; i++)
        {
            await client.EmitAsync("n", i, NodeIpcTestJsonContext.Default.Int32, cts.Token);
        }

        await all.Task.WaitAsync(cts.Token);
        Assert.Equal(Enumerable.Range(0, count), received);
    }

    [Fact]
    public async Task MessagesEmittedJustBeforeDisconnectAreStillDelivered()
    {
        // A disconnect right after a burst of emits must not lose any of them.
        const int count = 100;
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var received = new ConcurrentQueue<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("n", NodeIpcTestJsonContext.Default.Int32, (n, _) =>
            {
                received.Enqueue(n);
                if (received.Count == count)
                {
                    all.TrySetResult();
                }
            }));
        NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);
        for (int i = 0; i < count; i++)
        {
            await client.EmitAsync("n", i, NodeIpcTestJsonContext.Default.Int32, cts.Token);
        }

        await client.DisconnectAsync(cts.Token);
        await client.DisposeAsync();
        await all.Task.WaitAsync(cts.Token);
        Assert.Equal(Enumerable.Range(0, count), received);
    }

    [Fact]
    public async Task ConcurrentEmitsNeverInterleave()
    {
        const int tasks = 8;
        const int perTask = 500;
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var perSender = new ConcurrentDictionary<int, List<int>>();
        var errors = new Probe<Exception>();
        int total = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
        {
            s.Error += (e, _) => errors.Add(e);
            s.On("p", NodeIpcTestJsonContext.Default.TestPoint, (p, _) =>
            {
                perSender.GetOrAdd(p!.X, _ => []).Add(p.Y);
                if (Interlocked.Increment(ref total) == tasks * perTask)
                {
                    all.TrySetResult();
                }
            });
        });
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        // Long padding makes each message span many socket writes' worth of bytes.
        string padding = new('x', 3000);
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(sender => Task.Run(async () =>
        {
            for (int i = 0; i < perTask; i++)
            {
                await client.EmitAsync("p", new TestPoint(sender, i, padding), NodeIpcTestJsonContext.Default.TestPoint, cts.Token);
            }
        })));

        await all.Task.WaitAsync(cts.Token);
        Assert.Equal(0, errors.Count);
        for (int sender = 0; sender < tasks; sender++)
        {
            Assert.Equal(Enumerable.Range(0, perTask), perSender[sender]);
        }
    }

    [Fact]
    public async Task BroadcastReachesThreeClients()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var connected = new Probe<NodeIpcSocket>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s => s.Connected += connected.Add);

        var news = new Probe<string>[3];
        var clients = new NodeIpcClient[3];
        for (int i = 0; i < 3; i++)
        {
            Probe<string> probe = news[i] = new Probe<string>();
            clients[i] = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.On("news", data => probe.Add(data.GetRawText())));
            await connected.NextAsync(cts.Token);
        }

        Assert.Equal(3, server.Sockets.Count);
        using JsonDocument payload = JsonDocument.Parse("{\"headline\":\"hi\",\"n\":[1,2]}");
        await server.BroadcastAsync("news", payload.RootElement, cts.Token);
        await server.BroadcastAsync("news", cts.Token);

        foreach (Probe<string> probe in news)
        {
            Assert.Equal("{\"headline\":\"hi\",\"n\":[1,2]}", await probe.NextAsync(cts.Token));
            Assert.Equal("{}", await probe.NextAsync(cts.Token));
        }

        foreach (NodeIpcClient client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SocketDisconnectedReportsTheIdTheClientAnnounced()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var seen = new Probe<string?>();
        var gone = new Probe<(NodeIpcSocket Socket, string? Id)>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
        {
            s.On("hello", (_, socket) => seen.Add(socket.Id));
            s.SocketDisconnected += (socket, id) => gone.Add((socket, id));
        });
        NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        await client.EmitAsync("hello", new TestPoint(1, 2, "client-7"), NodeIpcTestJsonContext.Default.TestPoint, cts.Token);
        Assert.Equal("client-7", await seen.NextAsync(cts.Token));
        await client.DisconnectAsync(cts.Token);

        (NodeIpcSocket socket, string? id) = await gone.NextAsync(cts.Token);
        Assert.Equal("client-7", id);
        Assert.False(socket.IsConnected);
        await Assert.ThrowsAsync<IOException>(async () => await server.EmitAsync(socket, "late", cts.Token));
    }

    [Fact]
    public async Task HandlerExceptionsAndBadJsonRaiseErrorAndTheConnectionGoesOn()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var errors = new Probe<Exception>();
        var ok = new Probe<string>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
        {
            s.Error += (e, _) => errors.Add(e);
            s.On("boom", (_, _) => throw new InvalidOperationException("handler failed"));
            s.On("boom-async", async (_, _, ct) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async handler failed");
            });
            s.On("typed", NodeIpcTestJsonContext.Default.TestPoint, (_, _) => { });
            s.On("ok", (data, _) => ok.Add(data.GetString()!));
        });
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        await client.EmitAsync("boom", cts.Token);
        Assert.Equal("handler failed", (await errors.NextAsync(cts.Token)).Message);
        await client.EmitAsync("boom-async", cts.Token);
        Assert.Equal("async handler failed", (await errors.NextAsync(cts.Token)).Message);
        await client.EmitAsync("typed", "not a point", cts.Token);
        Assert.IsType<JsonException>(await errors.NextAsync(cts.Token));
        await client.EmitRawAsync("not json\f"u8.ToArray(), cts.Token);
        NodeIpcException bad = Assert.IsType<NodeIpcException>(await errors.NextAsync(cts.Token));
        Assert.Equal("not json", bad.Response);

        await client.EmitAsync("ok", "still here", cts.Token);
        Assert.Equal("still here", await ok.NextAsync(cts.Token));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task MessagesSplitByteByByteAndMergedAreFramedCorrectly()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var got = new Probe<string>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("m", (data, _) => got.Add(data.GetRawText())));
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        byte[] split = "{\"type\":\"m\",\"data\":\"é€😀\"}\f{\"data\":[1,{\"a\":\"\\f\"}],\"type\":\"m\"}\f"u8.ToArray();
        foreach (byte b in split)
        {
            await client.EmitRawAsync(new[] { b }, cts.Token);
        }

        Assert.Equal("\"é€😀\"", await got.NextAsync(cts.Token));
        Assert.Equal("[1,{\"a\":\"\\f\"}]", await got.NextAsync(cts.Token));

        byte[] merged = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50).Select(i => $"{{\"type\":\"m\",\"data\":{i}}}\f")));
        await client.EmitRawAsync(merged, cts.Token);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await got.NextAsync(cts.Token));
        }
    }

    [Fact]
    public async Task UnlinkReplacesAStaleSocketAndFalseRefusesAnExistingFile()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        string path = dir.Root + "app.world";

        // A stale socket file: bound but not listening, so connecting is refused, as after a crash.
        // (Disposing the socket would let .NET delete the file.)
        using var stale = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        stale.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        Assert.True(Path.Exists(path));
        NodeIpcConfig noUnlink = NodeIpcTestKit.Config(dir.Root);
        noUnlink.Unlink = false;
        await using (var refusing = new NodeIpcServer(noUnlink))
        {
            IOException error = await Assert.ThrowsAsync<IOException>(() => refusing.ServeAsync(cts.Token));
            Assert.Contains("Unlink", error.Message);
            Assert.False(refusing.IsServing);
        }

        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(NodeIpcTestKit.Config(dir.Root), cts.Token);
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(NodeIpcTestKit.Config(dir.Root), cts.Token);
        Assert.True(client.IsConnected);
    }
}
