using System.Text.Json;
using System.Text.RegularExpressions;
using Devp2p.Ipc;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <content>Subscriptions: ids, notification shape, ordering, unsubscribe, slow clients.</content>
public sealed partial class RpcServerTests
{
    private static readonly Regex s_subscriptionId = new("^0x([1-9a-f][0-9a-f]{0,31}|0)$", RegexOptions.CultureInvariant);

    [Fact]
    public async Task Subscribe_AnswersWithAnId_ThenNotifications_NeverBeforeTheAnswer()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var ids = new HashSet<string>();
        for (int round = 0; round < 20; round++)
        {
            await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
            string response = await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["counter",3]}""", cts.Token);
            string id = ResultString(response);
            Assert.Matches(s_subscriptionId, id);
            Assert.True(ids.Add(id), "subscription ids must not repeat");
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(
                    $$$"""{"jsonrpc":"2.0","method":"test_subscription","params":{"subscription":"{{{id}}}","result":{{{i}}}}}""",
                    await client.ReceiveAsync(cts.Token));
            }
        }
    }

    [Fact]
    public async Task SubscribeInABatch_TheBatchAnswerComesBeforeNotifications()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        string response = await client.CallAsync(
            """[{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["counter",2]},{"jsonrpc":"2.0","id":2,"method":"test_count"}]""",
            cts.Token);
        using JsonDocument doc = JsonDocument.Parse(response);
        string id = doc.RootElement[0].GetProperty("result").GetString()!;
        Assert.Equal(1, doc.RootElement[1].GetProperty("result").GetInt32());
        Assert.Contains($"\"subscription\":\"{id}\",\"result\":0", await client.ReceiveAsync(cts.Token), StringComparison.Ordinal);
        Assert.Contains($"\"subscription\":\"{id}\",\"result\":1", await client.ReceiveAsync(cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_ReturnsTrue_StopsTheSource_AndNothingFollows()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        string id = ResultString(await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["ticks"]}""", cts.Token));
        for (int i = 0; i < 3; i++)
        {
            Assert.Contains($"\"params\":{{\"subscription\":\"{id}\",\"result\":{{\"seq\":{i},\"text\":\"tick\"}}}}", await client.ReceiveAsync(cts.Token), StringComparison.Ordinal);
        }

        await client.SendAsync($$"""{"jsonrpc":"2.0","id":2,"method":"test_unsubscribe","params":["{{id}}"]}""", cts.Token);
        string? line;
        do
        {
            // Ticks already on their way may come before the answer.
            line = await client.ReceiveAsync(cts.Token);
            Assert.NotNull(line);
        }
        while (line.Contains("test_subscription", StringComparison.Ordinal));

        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":true}""", line);
        await _service.TicksEnded.Task.WaitAsync(cts.Token);

        // Nothing more: the next line is the answer to the next call.
        await Task.Delay(50, cts.Token);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"subscription not found"}}""",
            await client.CallAsync($$"""{"jsonrpc":"2.0","id":3,"method":"test_unsubscribe","params":["{{id}}"]}""", cts.Token));
    }

    [Fact]
    public async Task Unsubscribe_WhileNotificationsStream_NoneFollowsTheAnswer()
    {
        // 9,000 queued items and a client whose pipe holds about 200: the sender is mid-stream
        // when the unsubscribe arrives, with thousands of items still queued.
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server, SmallPipes());
        string id = ResultString(await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["counter",9000]}""", cts.Token));
        Assert.Contains("test_subscription", await client.ReceiveAsync(cts.Token), StringComparison.Ordinal);

        await client.SendAsync($$"""{"jsonrpc":"2.0","id":2,"method":"test_unsubscribe","params":["{{id}}"]}""", cts.Token);
        string? line;
        int before = 0;
        while ((line = await client.ReceiveAsync(cts.Token)) is not null && line.Contains("test_subscription", StringComparison.Ordinal))
        {
            before++;
        }

        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":true}""", line);
        Assert.True(before < 8999, $"all {before} remaining items were sent before the answer: the race was not exercised");
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"subscription not found"}}""",
            await client.CallAsync($$"""{"jsonrpc":"2.0","id":3,"method":"test_unsubscribe","params":["{{id}}"]}""", cts.Token));
    }

    [Theory]
    [InlineData("test_subscribe", """["nope"]""", -32601, "no \\\"nope\\\" subscription in test namespace")]
    [InlineData("other_subscribe", """["counter",1]""", -32601, "no \\\"counter\\\" subscription in other namespace")]
    [InlineData("test_subscribe", "[]", -32602, "expected subscription name as first argument")]
    [InlineData("test_subscribe", "[5]", -32602, "expected subscription name as first argument")]
    [InlineData("test_subscribe", """{"a":1}""", -32602, "non-array args")]
    [InlineData("test_subscribe", """["counter"]""", -32602, "missing value for required argument 1")]
    [InlineData("test_subscribe", """["ticks",1]""", -32602, "too many arguments, want at most 1")]
    [InlineData("test_unsubscribe", "[]", -32602, "missing value for required argument 0")]
    public async Task BadSubscribeOrUnsubscribe_GetsGethsErrors(string method, string parameters, int code, string message)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":{{{code}}},"message":"{{{message}}}"}}""",
            await client.CallAsync($$$"""{"jsonrpc":"2.0","id":1,"method":"{{{method}}}","params":{{{parameters}}}}""", cts.Token));
    }

    [Fact]
    public async Task Subscriptions_EndWhenTheConnectionCloses()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        ResultString(await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["ticks"]}""", cts.Token));
        Assert.NotNull(await client.ReceiveAsync(cts.Token));
        client.Connection.Abort();
        await _service.TicksEnded.Task.WaitAsync(cts.Token);
        await client.Serving.WaitAsync(cts.Token);
        Assert.Equal(0, _server.ConnectionCount);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task SlowClient_ProducerIsNeverBlocked_SubscriptionEndsWithAnOverflowError_ConnectionLives()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var options = new RpcServerOptions { SubscriptionQueueCapacity = 64 };
        await using var server = new RpcServer(_service.CreateRegistry(), options);
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server, SmallPipes());
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["flood"]}""", cts.Token);

        // Without the client reading a byte, the source is dropped on overflow: it was never
        // stuck waiting for the client.
        await _service.FloodEnded.Task.WaitAsync(cts.Token);
        Assert.True(_service.FloodProduced > options.SubscriptionQueueCapacity);

        string id = ResultString((await client.ReceiveAsync(cts.Token))!);
        string? line;
        int notifications = 0;
        while ((line = await client.ReceiveAsync(cts.Token)) is not null && !line.Contains("\"error\"", StringComparison.Ordinal))
        {
            Assert.Contains($"\"subscription\":\"{id}\",\"result\"", line, StringComparison.Ordinal);
            notifications++;
        }

        Assert.Equal(
            $$$$"""{"jsonrpc":"2.0","method":"test_subscription","params":{"subscription":"{{{{id}}}}","error":{"code":-32000,"message":"subscription queue overflow"}}}""",
            line);
        Assert.True(notifications < _service.FloodProduced, "queued items are dropped on overflow, not all delivered");

        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":1}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"test_count"}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"subscription not found"}}""",
            await client.CallAsync($$"""{"jsonrpc":"2.0","id":3,"method":"test_unsubscribe","params":["{{id}}"]}""", cts.Token));
    }

    [Fact]
    public async Task SlowClient_WithCloseConnectionPolicy_LosesTheConnection_AsInGeth()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var options = new RpcServerOptions { SubscriptionQueueCapacity = 64, SubscriptionOverflow = RpcSubscriptionOverflow.CloseConnection };
        await using var server = new RpcServer(_service.CreateRegistry(), options);
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server, SmallPipes());
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"test_subscribe","params":["flood"]}""", cts.Token);
        await _service.FloodEnded.Task.WaitAsync(cts.Token);
        await client.Serving.WaitAsync(cts.Token);
        Assert.Equal(0, server.ConnectionCount);
        await Assert.ThrowsAsync<ConnectionResetException>(async () =>
        {
            while (await client.ReceiveAsync(cts.Token) is not null)
            {
            }
        });
    }

    [Fact]
    public async Task ClientThatNeverReads_IsDroppedAfterTheWriteTimeout()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var options = new RpcServerOptions { WriteTimeout = TimeSpan.FromMilliseconds(300) };
        await using var server = new RpcServer(_service.CreateRegistry(), options);
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server, SmallPipes());
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"test_big","params":[200000]}""", cts.Token);
        await client.Serving.WaitAsync(cts.Token);
        Assert.Equal(0, server.ConnectionCount);
    }

    private static TransportOptions SmallPipes() => new()
    {
        SendPauseThreshold = 16 * 1024,
        SendResumeThreshold = 8 * 1024,
    };

    private static string ResultString(string response)
    {
        using JsonDocument doc = JsonDocument.Parse(response);
        return doc.RootElement.GetProperty("result").GetString()!;
    }
}
