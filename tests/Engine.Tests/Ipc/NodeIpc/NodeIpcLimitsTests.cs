using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>MaxMessageSize and MaxConnections: a peer over a limit is cut off, the others are not.</summary>
public sealed class NodeIpcLimitsTests
{
    [Fact]
    public async Task OversizedMessageDropsOnlyThatClient()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.MaxMessageSize = 1024;
        config.MaxRetries = 0;
        var errors = new Probe<(Exception Error, NodeIpcSocket? Socket)>();
        var gone = new Probe<NodeIpcSocket>();
        var echoes = new Probe<string>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
        {
            s.Error += (e, socket) => errors.Add((e, socket));
            s.SocketDisconnected += (socket, _) => gone.Add(socket);
            s.On("echo", async (data, socket, ct) => await s.EmitAsync(socket, "echo", data.GetString(), ct));
        });

        await using NodeIpcClient good = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.On("echo", d => echoes.Add(d.GetString()!)));
        var badDestroyed = new Probe<int>();
        await using NodeIpcClient bad = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.Destroyed += () => badDestroyed.Add(1));

        // A message just under the limit is fine; one over it (complete, with its delimiter) is not.
        await bad.EmitAsync("echo", new string('a', 900), cts.Token);
        await bad.EmitAsync("echo", new string('b', 2000), cts.Token);

        (Exception error, NodeIpcSocket? socket) = await errors.NextAsync(cts.Token);
        NodeIpcException tooBig = Assert.IsType<NodeIpcException>(error);
        Assert.Contains("MaxMessageSize", tooBig.Message);
        Assert.Same(socket, await gone.NextAsync(cts.Token));
        await badDestroyed.NextAsync(cts.Token);

        await good.EmitAsync("echo", "still served", cts.Token);
        Assert.Equal("still served", await echoes.NextAsync(cts.Token));
        Assert.Single(server.Sockets);
    }

    [Fact]
    public async Task EndlessMessageWithoutDelimiterIsCutAtTheLimit()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.MaxMessageSize = 4096;
        config.MaxRetries = 0;
        var errors = new Probe<Exception>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s => s.Error += (e, _) => errors.Add(e));
        var destroyed = new Probe<int>();
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.Destroyed += () => destroyed.Add(1));

        byte[] chunk = new byte[1000];
        Array.Fill(chunk, (byte)'x');
        try
        {
            for (int i = 0; i < 100 && client.IsConnected; i++)
            {
                await client.EmitRawAsync(chunk, cts.Token);
                await Task.Delay(1, cts.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The server cut the connection while we were still writing.
        }

        Assert.Contains("MaxMessageSize", (await errors.NextAsync(cts.Token)).Message);
        await destroyed.NextAsync(cts.Token);
    }

    [Fact]
    public async Task MaxConnectionsClosesConnectionsOverTheLimit()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.MaxConnections = 2;
        config.MaxRetries = 0;
        var connected = new Probe<NodeIpcSocket>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
        {
            s.Connected += connected.Add;
            s.On("ping", async (_, socket, ct) => await s.EmitAsync(socket, "pong", ct));
        });

        var pongs = new Probe<int>();
        await using NodeIpcClient first = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.On("pong", _ => pongs.Add(1)));
        await using NodeIpcClient second = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c => c.On("pong", _ => pongs.Add(2)));
        await connected.NextAsync(cts.Token);
        await connected.NextAsync(cts.Token);

        // The third connect may be accepted by the kernel before the server closes it; either way it ends destroyed.
        await using var third = new NodeIpcClient(config);
        try
        {
            await third.ConnectToAsync("world", cts.Token);
        }
        catch (IOException)
        {
        }

        await third.Completion.WaitAsync(cts.Token);
        Assert.Equal(2, connected.Count);
        Assert.Equal(2, server.Sockets.Count);

        await first.EmitAsync("ping", cts.Token);
        await second.EmitAsync("ping", cts.Token);
        int[] answered = [await pongs.NextAsync(cts.Token), await pongs.NextAsync(cts.Token)];
        Assert.Equal([1, 2], answered.Order());
    }
}
