using System.Text;
using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <content>Batches: one array in, one array out, in order.</content>
public sealed partial class RpcServerTests
{
    [Fact]
    public async Task Batch_IsAnsweredWithOneArray_InRequestOrder()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        string batch = """
            [
              {"jsonrpc":"2.0","id":1,"method":"test_sleep","params":[50]},
              {"jsonrpc":"2.0","id":"two","method":"test_add","params":[2,3]},
              {"jsonrpc":"2.0","id":3,"method":"test_nope"},
              {"jsonrpc":"2.0","id":4,"method":"test_echo","params":{}}
            ]
            """;
        Assert.Equal(
            """[{"jsonrpc":"2.0","id":1,"result":50},{"jsonrpc":"2.0","id":"two","result":5},"""
            + """{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"the method test_nope does not exist/is not available"}},"""
            + """{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"non-array args"}}]""",
            await client.CallAsync(batch, cts.Token));
    }

    [Fact]
    public async Task Batch_NotificationsRunWithoutAnswers_InvalidElementsGetErrors()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        string batch = """[{"jsonrpc":"2.0","method":"test_count"},1,{"jsonrpc":"2.0","id":7,"method":"test_count"},{"jsonrpc":"2.0","id":8,"result":0}]""";
        Assert.Equal(
            """[{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}},{"jsonrpc":"2.0","id":7,"result":2}]""",
            await client.CallAsync(batch, cts.Token));
    }

    [Fact]
    public async Task BatchOfNotificationsOnly_GetsNoResponse()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""[{"jsonrpc":"2.0","method":"test_count"},{"jsonrpc":"2.0","method":"test_count"}]""", cts.Token);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":3}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_count"}""", cts.Token));
    }

    [Fact]
    public async Task EmptyBatch_IsOneInvalidRequestObject()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"empty batch"}}""",
            await client.CallAsync(" [ ] ", cts.Token));

        // The connection carries on.
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":1}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"test_count"}""", cts.Token));
    }

    [Fact]
    public async Task BatchOverTheLimit_IsOneErrorCarryingTheFirstCallsId()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var server = new RpcServer(_service.CreateRegistry(), new RpcServerOptions { BatchRequestLimit = 3 });
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server);
        var batch = new StringBuilder("[{\"jsonrpc\":\"2.0\",\"method\":\"test_count\"}");
        for (int i = 0; i < 3; i++)
        {
            batch.Append($$""",{"jsonrpc":"2.0","id":{{100 + i}},"method":"test_count"}""");
        }

        batch.Append(']');
        Assert.Equal(
            """[{"jsonrpc":"2.0","id":100,"error":{"code":-32600,"message":"batch too large"}}]""",
            await client.CallAsync(batch.ToString(), cts.Token));
        Assert.Equal(0, _service.Counted);

        Assert.Equal(
            """[{"jsonrpc":"2.0","id":1,"result":1},{"jsonrpc":"2.0","id":2,"result":2},{"jsonrpc":"2.0","id":3,"result":3}]""",
            await client.CallAsync(
                """[{"jsonrpc":"2.0","id":1,"method":"test_count"},{"jsonrpc":"2.0","id":2,"method":"test_count"},{"jsonrpc":"2.0","id":3,"method":"test_count"}]""",
                cts.Token));
    }
}
