using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>The server's JSON-RPC behaviour, checked byte for byte over an in-memory connection.</summary>
public sealed partial class RpcServerTests : IAsyncLifetime
{
    private readonly RpcTestService _service = new();
    private RpcServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new RpcServer(_service.CreateRegistry());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await _server.StopAsync(cts.Token);
    }

    [Fact]
    public async Task Call_IsAnsweredWithOneNewlineTerminatedValue_InGethFieldOrder()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":"hi"}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["hi"]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":{"seq":7,"text":"item 7"}}""",
            await client.CallAsync("""{"method":"test_item","params":[7],"id":2,"jsonrpc":"2.0"}""", cts.Token));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"abc\"")]
    [InlineData("null")]
    [InlineData("-0.5e+3")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("\"\\u00e9\\\"x\"")]
    [InlineData("true")]
    public async Task Ids_AreEchoedVerbatim(string id)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            $$"""{"jsonrpc":"2.0","id":{{id}},"result":3}""",
            await client.CallAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"test_add","params":[1,2]}""", cts.Token));
    }

    [Fact]
    public async Task ConcatenatedRequestsWithoutSeparators_AreEachAnswered()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync(
            """{"jsonrpc":"2.0","id":1,"method":"test_add","params":[1,1]}{"jsonrpc":"2.0","id":2,"method":"test_add","params":[2,2]}[{"jsonrpc":"2.0","id":3,"method":"test_add","params":[3,3]}]""",
            cts.Token);
        var lines = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            lines.Add((await client.ReceiveAsync(cts.Token))!);
        }

        Assert.Contains("""{"jsonrpc":"2.0","id":1,"result":2}""", lines);
        Assert.Contains("""{"jsonrpc":"2.0","id":2,"result":4}""", lines);
        Assert.Contains("""[{"jsonrpc":"2.0","id":3,"result":6}]""", lines);
    }

    [Fact]
    public async Task RequestFedByteByByte_IsAnswered()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        byte[] request = """ {"jsonrpc":"2.0","id":"b","method":"test_echo","params":["é✓"]} """u8.ToArray();
        foreach (byte b in request)
        {
            await client.SendAsync([b], cts.Token);
            await Task.Yield();
        }

        Assert.Equal("""{"jsonrpc":"2.0","id":"b","result":"é✓"}""", await client.ReceiveAsync(cts.Token));
    }

    [Fact]
    public async Task Notification_RunsButIsNotAnswered()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"test_count"}""", cts.Token);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"test_nosuchmethod"}""", cts.Token);

        // The call after them is answered first and only: the notifications wrote nothing.
        string line = await client.CallAsync("""{"jsonrpc":"2.0","id":9,"method":"test_count"}""", cts.Token);
        Assert.Equal("""{"jsonrpc":"2.0","id":9,"result":2}""", line);
        Assert.Equal(2, _service.Counted);
    }

    [Fact]
    public async Task OptionalParameters_MayBeLeftOutOrNull_RequiredOnesMayNot()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":"a|null|null"}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_optional","params":["a"]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":"a|5|null"}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"test_optional","params":["a",5,null]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":3,"result":"a|null|n"}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":3,"method":"test_optional","params":["a",null,"n"]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"missing value for required argument 0"}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":4,"method":"test_optional","params":[]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"missing value for required argument 0"}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":5,"method":"test_optional","params":[null]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":6,"result":110}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":6,"method":"test_five","params":[1,2,3,4]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":7,"result":15}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":7,"method":"test_five","params":[1,2,3,4,5]}""", cts.Token));
    }

    [Fact]
    public async Task ParamsAbsentOrNull_MeanNoArguments()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":1}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_count"}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":2}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"test_count","params":null}""", cts.Token));
    }

    [Fact]
    public async Task RpcModules_ListsEveryNamespaceWithVersion10()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        _server.Registry.Add("zeta_ping", RpcTestJsonContext.Default.String, static ct => ValueTask.FromResult("pong"));
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"rpc":"1.0","test":"1.0","zeta":"1.0"}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"rpc_modules"}""", cts.Token));
    }

    [Fact]
    public async Task CallsOnOneConnection_RunConcurrently_AndEachResponseIsWhole()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"slow","method":"test_sleep","params":[400]}""", cts.Token);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"fast","method":"test_big","params":[100000]}""", cts.Token);

        // The fast call answers while the slow one is still running.
        string first = (await client.ReceiveAsync(cts.Token))!;
        string second = (await client.ReceiveAsync(cts.Token))!;
        Assert.Equal("""{"jsonrpc":"2.0","id":"fast","result":""" + "\"" + new string('x', 100000) + "\"}", first);
        Assert.Equal("""{"jsonrpc":"2.0","id":"slow","result":400}""", second);
    }

    [Fact]
    public async Task ManyConcurrentLargeResponses_NeverInterleave()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        const int Calls = 60;
        var request = new System.Text.StringBuilder();
        for (int i = 0; i < Calls; i++)
        {
            request.Append($$"""{"jsonrpc":"2.0","id":{{i}},"method":"test_big","params":[{{20000 + i}}]}""");
        }

        await client.SendAsync(request.ToString(), cts.Token);
        var seen = new HashSet<int>();
        for (int i = 0; i < Calls; i++)
        {
            string line = (await client.ReceiveAsync(cts.Token))!;
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            int id = doc.RootElement.GetProperty("id").GetInt32();
            Assert.Equal(20000 + id, doc.RootElement.GetProperty("result").GetString()!.Length);
            Assert.True(seen.Add(id));
        }
    }
}
