using System.Net.Sockets;
using System.Text.Json;
using Devp2p.Ipc;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>The .NET client against the server, over a Unix socket and in-process.</summary>
public sealed partial class RpcClientTests : IAsyncLifetime
{
    private static readonly RpcTestJsonContext s_json = RpcTestJsonContext.Default;
    private readonly RpcTestService _service = new();
    private RpcServer _server = null!;
    private SocketTransportListener? _listener;
    private string? _socketPath;

    public static TheoryData<string> Transports => ["unix", "inproc"];

    public Task InitializeAsync()
    {
        _server = new RpcServer(_service.CreateRegistry());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await _server.StopAsync(cts.Token);
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
            Assert.False(File.Exists(_socketPath), "the listener removes its socket file");
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CallAsync_ReturnsDecodedResults(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        Assert.Equal("hello", await client.CallAsync("test_echo", s_json.String, cts.Token, "hello"));
        Assert.Equal(42, await client.CallAsync("test_add", s_json.Int32, cts.Token, 40, 2));
        Assert.Equal(new TestItem(9, "item 9"), await client.CallAsync("test_item", s_json.TestItem, cts.Token, 9));
        Assert.Equal("a|null|null", await client.CallAsync("test_optional", s_json.String, cts.Token, "a"));
        Assert.Equal("a|7|z", await client.CallAsync("test_optional", s_json.String, cts.Token, "a", 7, "z"));
        Dictionary<string, string> modules = await client.CallAsync("rpc_modules", s_json.DictionaryStringString, cts.Token);
        Assert.Equal(["rpc", "test"], modules.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ErrorResponses_SurfaceAsRpcException(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);

        RpcException notFound = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("test_nope", s_json.String, cts.Token));
        Assert.Equal(RpcErrorCodes.MethodNotFound, notFound.Code);
        Assert.Equal("the method test_nope does not exist/is not available", notFound.Message);

        RpcException invalid = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("test_add", s_json.Int32, cts.Token, 1));
        Assert.Equal(RpcErrorCodes.InvalidParams, invalid.Code);
        Assert.Equal("missing value for required argument 1", invalid.Message);

        RpcException custom = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("test_fail", s_json.Boolean, cts.Token, 3, "reverted"));
        Assert.Equal(3, custom.Code);
        Assert.Equal("reverted", custom.Message);
        JsonElement data = Assert.IsType<JsonElement>(custom.ErrorData);
        Assert.Equal("""["detail","reverted"]""", data.GetRawText());

        RpcException thrown = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("test_throw", s_json.Boolean, cts.Token));
        Assert.Equal(RpcErrorCodes.ServerError, thrown.Code);
        Assert.Equal("boom", thrown.Message);
        Assert.Null(thrown.ErrorData);

        // The connection is still good.
        Assert.Equal(1, await client.CallAsync("test_count", s_json.Int32, cts.Token));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Arguments_AreResolvedThroughTheConfiguredContext_OrPassedAsJsonElements(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var item = new TestItem(5, "five");
        await using (RpcClient plain = await ConnectAsync(transport, cts.Token))
        {
            ArgumentException ex = await Assert.ThrowsAsync<ArgumentException>(async () => await plain.CallAsync("test_describe", s_json.String, cts.Token, item));
            Assert.Contains(nameof(TestItem), ex.Message, StringComparison.Ordinal);
            JsonElement element = JsonSerializer.SerializeToElement(item, s_json.TestItem);
            Assert.Equal("5:five", await plain.CallAsync("test_describe", s_json.String, cts.Token, element));
        }

        await using RpcClient resolving = await ConnectAsync(transport, cts.Token, new RpcClientOptions { ArgumentTypeInfoResolver = s_json });
        Assert.Equal("5:five", await resolving.CallAsync("test_describe", s_json.String, cts.Token, item));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ManyCallsInFlight_OnOneClient_AllMatchTheirResponses(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        Task<int>[] calls = [.. Enumerable.Range(0, 500).Select(i => client.CallAsync("test_add", s_json.Int32, cts.Token, i, i).AsTask())];
        int[] results = await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => 2 * i), results);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BatchAsync_GivesEachItemItsOwnOutcome(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        var batch = new RpcBatch();
        RpcBatchItem<int> sum = batch.Add("test_add", s_json.Int32, 2, 3);
        RpcBatchItem<string> missing = batch.Add("test_nope", s_json.String);
        RpcBatchItem<string> echo = batch.Add("test_echo", s_json.String, "e");
        RpcBatchItem<int> wrongType = batch.Add("test_echo", s_json.Int32, "not a number");
        await client.BatchAsync(batch, cts.Token);

        Assert.Equal(5, sum.Result);
        Assert.False(sum.IsFaulted);
        Assert.Equal("e", echo.Result);
        RpcException error = Assert.IsType<RpcException>(missing.Error);
        Assert.Equal(RpcErrorCodes.MethodNotFound, error.Code);
        Assert.Throws<RpcException>(() => missing.Result);
        Assert.IsType<JsonException>(wrongType.Error);
    }

    [Fact]
    public async Task BatchAsync_ItemsTheAnswerLeavesOut_FailWithMissingResponse()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var server = new RpcServer(_service.CreateRegistry(), new RpcServerOptions { BatchRequestLimit = 2 });
        await using RpcClient client = RpcClient.ConnectInProcess(server);
        var batch = new RpcBatch();
        RpcBatchItem<int>[] items = [.. Enumerable.Range(0, 3).Select(i => batch.Add("test_add", s_json.Int32, i, i))];
        await client.BatchAsync(batch, cts.Token);

        // geth answers an oversized batch with one error carrying the first call's id.
        Assert.Equal("batch too large", Assert.IsType<RpcException>(items[0].Error).Message);
        Assert.IsType<InvalidDataException>(items[1].Error);
        Assert.IsType<InvalidDataException>(items[2].Error);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Cancellation_StopsWaiting_AndTheClientCarriesOn(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = await ConnectAsync(transport, cts.Token);
        using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.CallAsync("test_block", s_json.Boolean, quick.Token));
        Assert.Equal("still", await client.CallAsync("test_echo", s_json.String, cts.Token, "still"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerStopping_FailsWaitingCalls_WithIOException(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        RpcClient client = await ConnectAsync(transport, cts.Token);
        Task<bool> blocked = client.CallAsync("test_block", s_json.Boolean, cts.Token).AsTask();
        await _service.BlockEntered.Task.WaitAsync(cts.Token);
        await _server.StopAsync(cts.Token);
        await _service.BlockCanceled.Task.WaitAsync(cts.Token);
        await Assert.ThrowsAnyAsync<IOException>(() => blocked);
        await client.Completion.WaitAsync(cts.Token);
        await Assert.ThrowsAnyAsync<IOException>(async () => await client.CallAsync("test_count", s_json.Int32, cts.Token));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task DisposingTheClient_FailsWaitingCalls_WithObjectDisposedException_AndCancelsTheServerSide()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var server = new RpcServer(_service.CreateRegistry(), new RpcServerOptions { DrainTimeout = TimeSpan.FromMilliseconds(100) });
        RpcClient client = RpcClient.ConnectInProcess(server);
        Task<bool> blocked = client.CallAsync("test_block", s_json.Boolean, cts.Token).AsTask();
        await _service.BlockEntered.Task.WaitAsync(cts.Token);
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => blocked);
        await _service.BlockCanceled.Task.WaitAsync(cts.Token);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.CallAsync("test_count", s_json.Int32, cts.Token));
    }

    [Fact]
    public async Task RequestOverTheServersLimit_FailsWithTheServersError()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var server = new RpcServer(_service.CreateRegistry(), new RpcServerOptions { MaxRequestSize = 4096 });
        await using RpcClient client = RpcClient.ConnectInProcess(server);
        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("test_echo", s_json.String, cts.Token, new string('x', 5000)));
        Assert.Equal(RpcErrorCodes.InvalidRequest, ex.Code);
        Assert.Equal("request too large (more than 4096 bytes)", ex.Message);
        await client.Completion.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task NotifyAsync_RunsTheMethodWithoutAnAnswer()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcClient client = RpcClient.ConnectInProcess(_server);
        await client.NotifyAsync("test_count", cts.Token);
        await client.NotifyAsync("test_count", cts.Token);
        Assert.Equal(3, await client.CallAsync("test_count", s_json.Int32, cts.Token));
    }

    [Fact]
    public async Task ConnectAsync_OverLoopbackTcp_AndNamedPipe()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using var tcp = new SocketTransportListener(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        await tcp.BindAsync(cts.Token);
        Task tcpServing = _server.ServeAsync(tcp, cts.Token);
        await using (RpcClient client = await RpcClient.ConnectAsync(tcp.EndPoint, cancellationToken: cts.Token))
        {
            Assert.Equal("tcp", await client.CallAsync("test_echo", s_json.String, cts.Token, "tcp"));
        }

        var pipeEndPoint = new NamedPipeEndPoint("rpc-" + Guid.NewGuid().ToString("N")[..8]);
        await using var pipe = new NamedPipeTransportListener(pipeEndPoint);
        await pipe.BindAsync(cts.Token);
        Task pipeServing = _server.ServeAsync(pipe, cts.Token);
        await using (RpcClient client = await RpcClient.ConnectAsync(pipeEndPoint, cancellationToken: cts.Token))
        {
            Assert.Equal("pipe", await client.CallAsync("test_echo", s_json.String, cts.Token, "pipe"));
        }

        await tcp.UnbindAsync(cts.Token);
        await pipe.UnbindAsync(cts.Token);
        await Task.WhenAll(tcpServing, pipeServing).WaitAsync(cts.Token);
    }

    private async Task<RpcClient> ConnectAsync(string transport, CancellationToken ct, RpcClientOptions? options = null)
    {
        if (transport == "inproc")
        {
            return RpcClient.ConnectInProcess(_server, options);
        }

        if (_listener is null)
        {
            _socketPath = RpcTestKit.NewUnixSocketPath();
            _listener = SocketTransportListener.ForUnixSocket(_socketPath);
            await _listener.BindAsync(ct);
            _ = _server.ServeAsync(_listener, ct);
        }

        return await RpcClient.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath!), options, ct);
    }
}
