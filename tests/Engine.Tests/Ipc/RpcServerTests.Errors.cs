using System.Text.Json;
using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <content>Every error code, with go-ethereum's messages.</content>
public sealed partial class RpcServerTests
{
    [Fact]
    public async Task UnknownMethod_IsMethodNotFound_WithGethMessage()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"the method test_nope does not exist/is not available"}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_nope","params":[]}""", cts.Token));

        string longName = "test_" + new string('n', 400);
        Assert.Equal(
            $$$"""{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"the method {{{longName}}} does not exist/is not available"}}""",
            await client.CallAsync($$"""{"jsonrpc":"2.0","id":2,"method":"{{longName}}"}""", cts.Token));
    }

    [Fact]
    public async Task EscapedMethodName_IsDecodedBeforeLookup()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":"e"}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_\u0065cho","params":["e"]}""", cts.Token));
    }

    [Theory]
    [InlineData("""{"id":1,"method":"test_count"}""", "1")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"test_count"}""", "1")]
    [InlineData("""{"jsonrpc":"2.0","id":"x","method":5}""", "\"x\"")]
    [InlineData("""{"jsonrpc":"2.0","id":"x","method":""}""", "\"x\"")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"test_count"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":[1],"method":"test_count"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0"}""", "null")]
    [InlineData("5", "null")]
    [InlineData("\"text\"", "null")]
    [InlineData("null", "null")]
    public async Task MalformedRequest_IsInvalidRequest_WithTheIdWhenItIsValid(string request, string id)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32600,"message":"invalid request"}}""",
            await client.CallAsync(request + "\n", cts.Token));
        Assert.Equal(0, _service.Counted);
    }

    [Fact]
    public async Task ResponseShapedMessage_IsIgnored()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""{"jsonrpc":"2.0","id":5,"result":true}""", cts.Token);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":6,"result":1}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":6,"method":"test_count"}""", cts.Token));
    }

    [Theory]
    [InlineData("""{"a":1}""", "non-array args")]
    [InlineData("\"x\"", "non-array args")]
    [InlineData("""["a","b"]""", "too many arguments, want at most 1")]
    [InlineData("[]", "missing value for required argument 0")]
    public async Task BadParams_AreInvalidParams_WithGethMessages(string parameters, string message)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"{{{message}}}"}}""",
            await client.CallAsync($$$"""{"jsonrpc":"2.0","id":1,"method":"test_echo","params":{{{parameters}}}}""", cts.Token));
    }

    [Fact]
    public async Task ArgumentOfTheWrongType_IsInvalidParams_NamingTheArgument()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        string line = await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_add","params":[1,"two"]}""", cts.Token);
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement error = doc.RootElement.GetProperty("error");
        Assert.Equal(RpcErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.StartsWith("invalid argument 1: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerException_IsServerError_WithItsMessage_AsGeth()
    {
        // geth: a method returning an error is answered with errcodeDefault (-32000) and err.Error().
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"boom"}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_throw"}""", cts.Token));
    }

    [Fact]
    public async Task ResultThatDoesNotSerialize_IsInternalError()
    {
        // -32603 stays for the server's own failures (geth's errcodeMarshalError).
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var registry = new RpcMethodRegistry();
        registry.Add("test_undefined", RpcJsonContext.Default.JsonElement, static ct => ValueTask.FromResult(default(JsonElement)));
        await using var server = new RpcServer(registry);
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server);
        using JsonDocument doc = JsonDocument.Parse(await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_undefined"}""", cts.Token));
        Assert.Equal(RpcErrorCodes.InternalError, doc.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(doc.RootElement.TryGetProperty("result", out _));
    }

    [Fact]
    public async Task RpcExceptionFromHandler_KeepsItsCodeMessageAndData()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32042,"message":"nope","data":["detail","nope"]}}""",
            await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_fail","params":[-32042,"nope"]}""", cts.Token));
    }

    [Fact]
    public async Task ErrorDataOfAnUnresolvableType_IsLeftOut_UnlessTheResolverKnowsIt()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        RpcMethodRegistry registry = _service.CreateRegistry();
        registry.Add<bool>("test_item_error", RpcTestJsonContext.Default.Boolean, static ct =>
            throw new RpcException(3, "execution reverted", new TestItem(1, "why")));

        await using (var plain = new RpcServer(registry))
        await using (RawRpcClient client = RpcTestKit.ConnectRaw(plain))
        {
            Assert.Equal(
                """{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted"}}""",
                await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_item_error"}""", cts.Token));
        }

        await using (var resolving = new RpcServer(registry, new RpcServerOptions { ErrorDataTypeInfoResolver = RpcTestJsonContext.Default }))
        await using (RawRpcClient client = RpcTestKit.ConnectRaw(resolving))
        {
            Assert.Equal(
                """{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":{"seq":1,"text":"why"}}}""",
                await client.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"test_item_error"}""", cts.Token));
        }
    }

    [Fact]
    public async Task SyntaxError_IsAParseError_ThenTheConnectionCloses()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"test_count"} {"jsonrpc":"2.0","id":2,"method" 5}""", cts.Token);

        // The whole value before the bad one is still served.
        var lines = new List<string> { (await client.ReceiveAsync(cts.Token))!, (await client.ReceiveAsync(cts.Token))! };
        Assert.Contains("""{"jsonrpc":"2.0","id":1,"result":1}""", lines);
        string parseError = lines.Single(l => l.Contains("-32700", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(parseError);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("id").ValueKind);
        Assert.Equal(RpcErrorCodes.ParseError, doc.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        await client.AssertClosedAsync(cts.Token);
    }

    [Fact]
    public async Task RequestOverTheSizeLimit_IsInvalidRequest_ThenTheConnectionCloses()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var server = new RpcServer(_service.CreateRegistry(), new RpcServerOptions { MaxRequestSize = 1024 });
        await using RawRpcClient client = RpcTestKit.ConnectRaw(server);

        string fits = $$"""{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["{{new string('f', 900)}}"]}""";
        Assert.Contains("\"id\":1,\"result\"", await client.CallAsync(fits, cts.Token), StringComparison.Ordinal);

        string tooLarge = $$"""{"jsonrpc":"2.0","id":2,"method":"test_echo","params":["{{new string('f', 2000)}}"]}""";
        Assert.Equal(
            """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request too large (more than 1024 bytes)"}}""",
            await client.CallAsync(tooLarge, cts.Token));
        await client.AssertClosedAsync(cts.Token);
    }

    [Fact]
    public async Task DefaultSizeLimit_IsFiveMiB()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        const int Envelope = 64;
        string fits = $$"""{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["{{new string('f', (5 * 1024 * 1024) - Envelope - 100)}}"]}""";
        string line = await client.CallAsync(fits, cts.Token);
        Assert.StartsWith("""{"jsonrpc":"2.0","id":1,"result":"fff""", line, StringComparison.Ordinal);

        string over = $$"""{"jsonrpc":"2.0","id":2,"method":"test_echo","params":["{{new string('f', 5 * 1024 * 1024)}}"]}""";
        Assert.Contains("-32600", await client.CallAsync(over, cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientHalfCloses_RunningCallsStillAnswer_ThenTheServerCloses()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RawRpcClient client = RpcTestKit.ConnectRaw(_server);
        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"test_sleep","params":[200]}""", cts.Token);
        await client.Connection.Transport.Output.CompleteAsync();
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":200}""", await client.ReceiveAsync(cts.Token));
        await client.AssertClosedAsync(cts.Token);
    }
}
