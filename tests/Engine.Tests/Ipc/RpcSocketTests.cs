using System.Net.Sockets;
using Devp2p.Ipc;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>Many clients over a real Unix socket: concurrency, a client killed mid-request, stopping.</summary>
public sealed class RpcSocketTests
{
    private static readonly RpcTestJsonContext s_json = RpcTestJsonContext.Default;

    [Fact]
    public async Task TwentyClients_TwoHundredCallsEach_AllCorrect()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var service = new RpcTestService();
        await using var server = new RpcServer(service.CreateRegistry());
        string path = RpcTestKit.NewUnixSocketPath();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
        await listener.BindAsync(cts.Token);
        Task serving = server.ServeAsync(listener, cts.Token);

        async Task RunClientAsync(int client)
        {
            await using RpcClient rpc = await RpcClient.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken: cts.Token);
            var calls = new List<Task>();
            for (int i = 0; i < 200; i++)
            {
                int a = client * 1000;
                int b = i;
                calls.Add(i % 10 == 0
                    ? CheckAsync(rpc.CallAsync("test_echo", s_json.String, cts.Token, $"c{client}-{i}"), $"c{client}-{i}")
                    : CheckAsync(rpc.CallAsync("test_add", s_json.Int32, cts.Token, a, b), a + b));
            }

            await Task.WhenAll(calls);
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(RunClientAsync));
        await listener.UnbindAsync(cts.Token);
        await serving.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task ClientKilledMidRequest_OnlyItsCallIsCanceled_OthersCarryOn()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var service = new RpcTestService();

        // A Unix socket peer that dies looks like one that half-closed: its calls get the drain time.
        await using var server = new RpcServer(service.CreateRegistry(), new RpcServerOptions { DrainTimeout = TimeSpan.FromMilliseconds(100) });
        string path = RpcTestKit.NewUnixSocketPath();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
        await listener.BindAsync(cts.Token);
        _ = server.ServeAsync(listener, cts.Token);
        var endPoint = new UnixDomainSocketEndPoint(path);

        RpcClient[] others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RpcClient.ConnectAsync(endPoint, cancellationToken: cts.Token).AsTask()));
        try
        {
            // The victim sends a call that never finishes and half a request behind it, then dies.
            TransportConnection victim = await new SocketTransportDialer().ConnectAsync(endPoint, cts.Token);
            await victim.Transport.Output.WriteAsync(
                """{"jsonrpc":"2.0","id":1,"method":"test_block"}{"jsonrpc":"2.0","id":2,"meth"""u8.ToArray(),
                cts.Token);
            await service.BlockEntered.Task.WaitAsync(cts.Token);
            Task load = Task.WhenAll(others.Select(async (client, n) =>
            {
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal(n + i, await client.CallAsync("test_add", s_json.Int32, cts.Token, n, i));
                }
            }));

            victim.Abort();
            await service.BlockCanceled.Task.WaitAsync(cts.Token);
            await load;
            await victim.DisposeAsync();

            while (server.ConnectionCount != others.Length)
            {
                await Task.Delay(10, cts.Token);
            }

            Assert.Equal(7, await others[0].CallAsync("test_add", s_json.Int32, cts.Token, 3, 4));
        }
        finally
        {
            foreach (RpcClient client in others)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task StopAsync_ClosesEveryConnection_AndEndsAccepting()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var service = new RpcTestService();
        var server = new RpcServer(service.CreateRegistry());
        string path = RpcTestKit.NewUnixSocketPath();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
        await listener.BindAsync(cts.Token);
        Task serving = server.ServeAsync(listener);
        var endPoint = new UnixDomainSocketEndPoint(path);
        RpcClient[] clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RpcClient.ConnectAsync(endPoint, cancellationToken: cts.Token).AsTask()));
        Task<bool> blocked = clients[0].CallAsync("test_block", s_json.Boolean, cts.Token).AsTask();
        await service.BlockEntered.Task.WaitAsync(cts.Token);
        for (int i = 0; i < clients.Length; i++)
        {
            Assert.Equal(i, await clients[i].CallAsync("test_add", s_json.Int32, cts.Token, i, 0));
        }

        Assert.Equal(3, server.ConnectionCount);
        await server.StopAsync(cts.Token);
        Assert.Equal(0, server.ConnectionCount);
        await serving.WaitAsync(cts.Token);
        await Assert.ThrowsAnyAsync<IOException>(() => blocked);
        foreach (RpcClient client in clients)
        {
            await client.Completion.WaitAsync(cts.Token);
            await client.DisposeAsync();
        }

        Assert.Throws<ObjectDisposedException>(() => { _ = server.ServeAsync(listener); });
    }

    private static async Task CheckAsync<T>(ValueTask<T> call, T expected) => Assert.Equal(expected, await call);
}
