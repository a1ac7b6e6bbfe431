using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <content>SubscribeAsync: items, unsubscribe on dispose, errors.</content>
public sealed partial class RpcClientTests
{
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SubscribeAsync_YieldsNotifications_AndUnsubscribesWhenDisposed(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        var received = new List<TestItem>();
        await foreach (TestItem item in client.SubscribeAsync("test", "ticks", s_json.TestItem, cts.Token))
        {
            received.Add(item);
            if (received.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(Enumerable.Range(0, 5), received.Select(i => i.Seq));

        // Leaving the loop sent test_unsubscribe, which stopped the server's source.
        await _service.TicksEnded.Task.WaitAsync(cts.Token);
        Assert.Equal(1, await client.CallAsync("test_count", s_json.Int32, cts.Token));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SubscribeAsync_WithArguments_AndSeveralAtOnce(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        Task<List<int>>[] subscriptions =
        [
            .. Enumerable.Range(1, 8).Select(n => TakeAsync(client.SubscribeAsync("test", "counter", s_json.Int32, cts.Token, n), n)),
        ];
        List<int>[] results = await Task.WhenAll(subscriptions);
        for (int n = 1; n <= 8; n++)
        {
            Assert.Equal(Enumerable.Range(0, n), results[n - 1]);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SubscribeAsync_UnknownSubscription_ThrowsMethodNotFound(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (int item in client.SubscribeAsync("test", "nope", s_json.Int32, cts.Token))
            {
                Assert.Fail("no item expected, got " + item);
            }
        });
        Assert.Equal(RpcErrorCodes.MethodNotFound, ex.Code);
        Assert.Equal("no \"nope\" subscription in test namespace", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task SubscribeAsync_SourceFailure_ArrivesAsRpcException_AfterTheItemsBeforeIt(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        var received = new List<int>();
        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (int item in client.SubscribeAsync("test", "failing", s_json.Int32, cts.Token))
            {
                received.Add(item);
            }
        });
        Assert.Equal([1], received);
        Assert.Equal(RpcErrorCodes.ServerError, ex.Code);
        Assert.Equal("source broke", ex.Message);
    }

    [Fact]
    public async Task SubscribeAsync_ConsumerTooSlow_OverflowsTheClientBuffer_AndUnsubscribes()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = RpcClient.ConnectInProcess(_server, new RpcClientOptions { SubscriptionBufferCapacity = 50 });
        IAsyncEnumerator<TestItem> items = client.SubscribeAsync("test", "flood", s_json.TestItem, cts.Token).GetAsyncEnumerator(cts.Token);
        int count = 0;
        RpcException ex;
        try
        {
            Assert.True(await items.MoveNextAsync());
            count++;

            // The flood fills the 50-item buffer while nothing is consumed.
            while (_service.FloodProduced < 1000)
            {
                await Task.Delay(10, cts.Token);
            }

            ex = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await items.MoveNextAsync())
                {
                    count++;
                }
            });
        }
        finally
        {
            await items.DisposeAsync();
        }

        Assert.StartsWith("subscription queue overflow", ex.Message, StringComparison.Ordinal);
        Assert.InRange(count, 2, 51);
        await _service.FloodEnded.Task.WaitAsync(cts.Token);
        Assert.Equal(1, await client.CallAsync("test_count", s_json.Int32, cts.Token));
    }

    [Fact]
    public async Task SubscribeAsync_ConnectionLost_EndsWithIOException()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = RpcClient.ConnectInProcess(_server);
        int count = 0;
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (TestItem item in client.SubscribeAsync("test", "ticks", s_json.TestItem, cts.Token))
            {
                if (++count == 2)
                {
                    await _server.StopAsync(cts.Token);
                }
            }
        });
        await _service.TicksEnded.Task.WaitAsync(cts.Token);
    }

    private static async Task<List<int>> TakeAsync(IAsyncEnumerable<int> source, int count)
    {
        var items = new List<int>();
        await foreach (int item in source)
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }
}
