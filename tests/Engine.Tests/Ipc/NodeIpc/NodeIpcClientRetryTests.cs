using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>node-ipc's client lifecycle: retry every Retry, MaxRetries then destroy, reconnect, StopRetrying, disconnect.</summary>
public sealed class NodeIpcClientRetryTests
{
    [Fact]
    public async Task ReconnectsAfterTheServerRestarts()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var pongs = new Probe<string>();
        var connects = new Probe<int>();
        var disconnects = new Probe<int>();
        NodeIpcServer first = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("ping", async (_, socket, ct) => await s.EmitAsync(socket, "pong", "first", ct)));
        await using var client = new NodeIpcClient(config);
        client.Connected += () => connects.Add(1);
        client.Disconnected += () => disconnects.Add(1);
        client.On("pong", data => pongs.Add(data.GetString()!));
        await client.ConnectToAsync("world", cts.Token);
        await connects.NextAsync(cts.Token);
        await client.EmitAsync("ping", cts.Token);
        Assert.Equal("first", await pongs.NextAsync(cts.Token));

        await first.StopAsync(cts.Token);
        await disconnects.NextAsync(cts.Token);
        Assert.False(client.IsConnected);

        // A few retries fail while nothing listens; then a new server on the same path takes the client back.
        await Task.Delay(NodeIpcTestKit.FastRetry * 3, cts.Token);
        await using NodeIpcServer second = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.On("ping", async (_, socket, ct) => await s.EmitAsync(socket, "pong", "second", ct)));
        await connects.NextAsync(cts.Token);
        await client.EmitAsync("ping", cts.Token);
        Assert.Equal("second", await pongs.NextAsync(cts.Token));
        Assert.True(disconnects.Count >= 2, "each failed retry is a disconnect, as in node-ipc");
    }

    [Fact]
    public async Task MaxRetriesExhaustedDestroysTheClient()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.MaxRetries = 3;
        var errors = new Probe<Exception>();
        int disconnects = 0;
        var destroyed = new Probe<int>();
        await using var client = new NodeIpcClient(config);
        client.Error += errors.Add;
        client.Disconnected += () => Interlocked.Increment(ref disconnects);
        client.Destroyed += () => destroyed.Add(1);

        IOException failure = await Assert.ThrowsAsync<IOException>(() => client.ConnectToAsync("world", cts.Token));

        Assert.Contains("4 attempts", failure.Message);
        await destroyed.NextAsync(cts.Token);
        await client.Completion.WaitAsync(cts.Token);
        Assert.Equal(4, errors.Count);
        Assert.Equal(4, Volatile.Read(ref disconnects));
        Assert.Equal(1, destroyed.Count);
        Assert.IsType<IOException>(await errors.NextAsync(cts.Token));
    }

    [Fact]
    public async Task StopRetryingAndMaxRetriesZeroGiveUpAtTheFirstClose()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig serverConfig = NodeIpcTestKit.Config(dir.Root);
        NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(serverConfig, cts.Token);

        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var destroyed = new Probe<int>();
        await using var client = new NodeIpcClient(config);
        client.Destroyed += () => destroyed.Add(1);
        await client.ConnectToAsync("world", cts.Token);

        // Set at run time, as node-ipc's ipc.config.stopRetrying is.
        config.StopRetrying = true;
        await server.StopAsync(cts.Token);
        await destroyed.NextAsync(cts.Token);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await client.EmitAsync("late", cts.Token));

        NodeIpcConfig once = NodeIpcTestKit.Config(dir.Root);
        once.MaxRetries = 0;
        int errors = 0;
        await using var oneShot = new NodeIpcClient(once);
        oneShot.Error += _ => Interlocked.Increment(ref errors);
        await Assert.ThrowsAsync<IOException>(() => oneShot.ConnectToAsync("world", cts.Token));
        Assert.Equal(1, Volatile.Read(ref errors));
    }

    [Fact]
    public async Task DisconnectStopsRetryingAndRaisesDisconnectThenDestroy()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        var socketGone = new Probe<int>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s => s.SocketDisconnected += (_, _) => socketGone.Add(1));
        var events = new Probe<string>();
        var client = new NodeIpcClient(config);
        client.Connected += () => events.Add("connect");
        client.Disconnected += () => events.Add("disconnect");
        client.Destroyed += () => events.Add("destroy");
        await client.ConnectToAsync("world", cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectToAsync("world", cts.Token));

        await client.DisconnectAsync(cts.Token);

        Assert.Equal("connect", await events.NextAsync(cts.Token));
        Assert.Equal("disconnect", await events.NextAsync(cts.Token));
        Assert.Equal("destroy", await events.NextAsync(cts.Token));
        await socketGone.NextAsync(cts.Token);
        await Task.Delay(NodeIpcTestKit.FastRetry * 3, cts.Token);
        Assert.False(events.TryNext(out _));
        Assert.Empty(server.Sockets);
    }

    [Fact]
    public async Task CancellingTheFirstConnectDisconnects()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        var destroyed = new Probe<int>();
        await using var client = new NodeIpcClient(NodeIpcTestKit.Config(dir.Root));
        client.Destroyed += () => destroyed.Add(1);
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ConnectToAsync("world", shortWait.Token));

        await destroyed.NextAsync(cts.Token);
    }
}
