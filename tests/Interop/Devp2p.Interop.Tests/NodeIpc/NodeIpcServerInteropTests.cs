using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// Real node-ipc 9.2.1 clients (tests/Interop/nodeipc/client.js) talking to our
/// <see cref="NodeIpcServer"/> over a Unix socket, TCP, TLS and UDP on 127.0.0.1.
/// </summary>
[Collection("node-ipc")]
public sealed class NodeIpcServerInteropTests
{
    private const int Many = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task World_example_node_ipc_client_says_hello_our_server_answers_world(string transport)
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, transport, cts.Token);
        NodeIpcServer server = served.Server;
        server.On("message", async (data, socket, ct) => await server.EmitAsync(socket, "message", data.GetString() + " world!", ct));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync(served.ClientArgs);
        await client.WaitForAsync("connect");
        await served.Connected.Reader.ReadAsync(cts.Token);
        await client.SendAsync(new { cmd = "emit", type = "message", data = "hello" });

        JsonElement reply = await client.WaitForAsync("msg");
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Equal("hello world!", reply.GetProperty("data").GetString());
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task Ten_thousand_messages_arrive_complete_and_in_order_both_ways_with_a_node_ipc_client(string transport)
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, transport, cts.Token);
        NodeIpcServer server = served.Server;
        var received = new List<string?>(Many);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("seq", (data, _) =>
        {
            received.Add(data.ValueKind == JsonValueKind.String ? data.GetString() : data.ToString());
            if (received.Count == Many)
            {
                all.TrySetResult();
            }
        });

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync([.. served.ClientArgs, "--quiet"]);
        await client.WaitForAsync("connect");
        NodeIpcSocket socket = await served.Connected.Reader.ReadAsync(cts.Token);

        // node-ipc -> us.
        await client.SendAsync(new { cmd = "emit", type = "seq", data = "c{i}", count = Many });
        await all.Task.WaitAsync(cts.Token);
        await Task.Delay(50, cts.Token); // nothing beyond the 10,000 may follow
        Assert.Equal(Many, received.Count);
        for (int i = 0; i < Many; i++)
        {
            Assert.Equal("c" + i, received[i]);
        }

        // us -> node-ipc.
        for (int i = 0; i < Many; i++)
        {
            await server.EmitAsync(socket, "seq", "s" + i, cts.Token);
        }

        JsonElement check = await client.RequestAsync(new { cmd = "check", type = "seq", count = Many, prefix = "s", waitMs = 15000 }, "check");
        Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString());
    }

    [Fact]
    public async Task Broadcast_from_our_server_reaches_three_node_ipc_clients()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "unix", cts.Token);
        var clients = new List<NodeIpcProcess>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                NodeIpcProcess c = await NodeIpcProcess.StartClientAsync(served.ClientArgs);
                clients.Add(c);
                await c.WaitForAsync("connect");
                await served.Connected.Reader.ReadAsync(cts.Token);
            }

            Assert.Equal(3, served.Server.Sockets.Count);
            using JsonDocument news = JsonDocument.Parse("{\"n\":1,\"text\":\"to all\"}");
            await served.Server.BroadcastAsync("news", news.RootElement, cts.Token);
            await served.Server.BroadcastAsync("plain", cts.Token);

            foreach (NodeIpcProcess c in clients)
            {
                JsonElement m = await c.WaitForAsync("msg", e => e.GetProperty("type").GetString() == "news");
                Assert.Equal(1, m.GetProperty("data").GetProperty("n").GetInt32());
                Assert.Equal("to all", m.GetProperty("data").GetProperty("text").GetString());
                JsonElement plain = await c.WaitForAsync("msg", e => e.GetProperty("type").GetString() == "plain");
                Assert.Equal(JsonValueKind.Object, plain.GetProperty("data").ValueKind);
                Assert.Empty(plain.GetProperty("data").EnumerateObject());
            }
        }
        finally
        {
            foreach (NodeIpcProcess c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Udp_world_example_node_ipc_endpoint_to_our_udp_server_reply_goes_to_the_sender_address()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "udp4", cts.Token);
        NodeIpcServer server = served.Server;
        server.On("message", async (data, socket, ct) => await server.EmitAsync(socket, "message", data.GetString() + " world!", ct));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync(served.ClientArgs);
        await client.SendAsync(new { cmd = "emit", type = "message", data = "hello" });
        JsonElement reply = await client.WaitForAsync("msg");
        Assert.Equal("hello world!", reply.GetProperty("data").GetString());
        Assert.Equal($"127.0.0.1:{served.Port}", reply.GetProperty("from").GetString());
    }

    [Fact]
    public async Task Malformed_input_from_a_node_ipc_peer_is_an_error_event_and_the_connection_goes_on()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "unix", cts.Token);
        NodeIpcServer server = served.Server;
        var errors = Channel.CreateUnbounded<Exception>();
        server.Error += (e, _) => errors.Writer.TryWrite(e);
        var got = Channel.CreateUnbounded<string>();
        server.On("ok", (data, _) => got.Writer.TryWrite(data.GetString()!));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync(served.ClientArgs);
        await client.WaitForAsync("connect");
        await served.Connected.Reader.ReadAsync(cts.Token);
        await client.SendAsync(new { cmd = "emitRaw", hex = Convert.ToHexString("not json\f"u8).ToLowerInvariant() });
        Exception error = await errors.Reader.ReadAsync(cts.Token);
        NodeIpcException bad = Assert.IsType<NodeIpcException>(error);
        Assert.Equal("not json", bad.Response);

        await client.SendAsync(new { cmd = "emit", type = "ok", data = "still here" });
        Assert.Equal("still here", await got.Reader.ReadAsync(cts.Token));
        Assert.False(client.HasPending("disconnect"));
    }

    [Fact]
    public async Task Socket_id_comes_from_data_id_and_is_reported_when_the_node_ipc_client_disconnects()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "unix", cts.Token);
        NodeIpcServer server = served.Server;
        var gone = new TaskCompletionSource<(NodeIpcSocket Socket, string? Id)>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SocketDisconnected += (s, id) => gone.TrySetResult((s, id));
        var hello = new TaskCompletionSource<NodeIpcSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("hello", (_, s) => hello.TrySetResult(s));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync(served.ClientArgs);
        await client.WaitForAsync("connect");
        NodeIpcSocket socket = await served.Connected.Reader.ReadAsync(cts.Token);
        Assert.Null(socket.Id);
        await client.SendAsync(new { cmd = "emit", type = "hello", data = new { id = "my-client" } });
        Assert.Same(socket, await hello.Task.WaitAsync(cts.Token));
        Assert.Equal("my-client", socket.Id);

        await client.RequestAsync(new { cmd = "disconnect" }, "disconnected");
        (NodeIpcSocket s, string? id) = await gone.Task.WaitAsync(cts.Token);
        Assert.Same(socket, s);
        Assert.Equal("my-client", id);
        Assert.False(socket.IsConnected);
        Assert.Empty(server.Sockets);
    }

    [Fact]
    public async Task Raw_buffer_bytes_pass_both_ways_with_a_node_ipc_hex_client()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "unix", cts.Token, c => c.RawBuffer = true);
        var reads = Channel.CreateUnbounded<byte[]>();
        served.Server.OnData((bytes, _) => reads.Writer.TryWrite(bytes.ToArray()));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync([.. served.ClientArgs, "--raw-buffer", "--encoding", "hex"]);
        await client.WaitForAsync("connect");
        NodeIpcSocket socket = await served.Connected.Reader.ReadAsync(cts.Token);

        await client.SendAsync(new { cmd = "emit", raw = "00ff0c41" });
        var all = new List<byte>();
        while (all.Count < 4)
        {
            all.AddRange(await reads.Reader.ReadAsync(cts.Token));
        }

        Assert.Equal("00FF0C41", Convert.ToHexString(all.ToArray()));

        await served.Server.EmitRawAsync(socket, new byte[] { 0xc3, 0x28, 0x0c, 0x00 }, cts.Token);
        JsonElement m = await client.WaitForAsync("msg");
        Assert.Equal("c3280c00", m.GetProperty("hex").GetString());
    }

    [Fact]
    public async Task Node_ipc_client_reconnects_after_our_server_restarts()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using var served = await ServeAsync(files, "unix", cts.Token);
        NodeIpcServer server = served.Server;
        var got = Channel.CreateUnbounded<string?>();
        server.On("back", (data, _) => got.Writer.TryWrite(data.GetString()));

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync([.. served.ClientArgs, "--retry", "50"]);
        await client.WaitForAsync("connect");
        await served.Connected.Reader.ReadAsync(cts.Token);

        await server.StopAsync(cts.Token);
        Assert.False(File.Exists(NodeIpcTestFiles.SocketPath(server.Config.Id)));
        await client.WaitForAsync("disconnect");
        await client.WaitForAsync("error", e => e.GetProperty("code").GetString() is "ENOENT" or "ECONNREFUSED");

        await server.ServeAsync(cts.Token);
        await client.WaitForAsync("connect");
        await served.Connected.Reader.ReadAsync(cts.Token);
        Assert.False(client.HasPending("destroy"));
        await client.SendAsync(new { cmd = "emit", type = "back", data = "again" });
        Assert.Equal("again", await got.Reader.ReadAsync(cts.Token));
    }

    /// <summary>Our server on one transport plus the client.js arguments that reach it.</summary>
    private static async Task<Served> ServeAsync(NodeIpcTestFiles files, string transport, CancellationToken ct, Action<NodeIpcConfig>? configure = null)
    {
        var config = new NodeIpcConfig { Id = files.Id(), Silent = true };
        if (transport == "tls")
        {
            config.Tls = new NodeIpcTlsConfig { Public = files.TlsCertPath, Private = files.TlsKeyPath };
        }

        configure?.Invoke(config);
        var server = new NodeIpcServer(config);
        var served = new Served(server);
        server.Connected += s => served.Connected.Writer.TryWrite(s);
        try
        {
            switch (transport)
            {
                case "unix":
                    await server.ServeAsync(ct);
                    Assert.Equal(NodeIpcTestFiles.SocketPath(config.Id), server.Path);
                    served.ClientArgs = ["--id", config.Id];
                    break;
                case "tcp":
                case "tls":
                    await server.ServeNetAsync("127.0.0.1", 0, ct);
                    served.Port = ((IPEndPoint)server.EndPoint!).Port;
                    served.ClientArgs = transport == "tls"
                        ? ["--port", served.Port.ToString(), "--tls-ca", files.TlsCertPath]
                        : ["--tcp", "--port", served.Port.ToString()];
                    break;
                case "udp4":
                    await server.ServeNetAsync("127.0.0.1", 0, NodeIpcUdpType.Udp4, ct);
                    served.Port = ((IPEndPoint)server.EndPoint!).Port;
                    served.ClientArgs = ["--udp4", "--port", served.Port.ToString()];
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(transport), transport, "unix, tcp, tls or udp4");
            }

            return served;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private sealed class Served(NodeIpcServer server) : IAsyncDisposable
    {
        public NodeIpcServer Server { get; } = server;

        public Channel<NodeIpcSocket> Connected { get; } = Channel.CreateUnbounded<NodeIpcSocket>();

        public string[] ClientArgs { get; set; } = [];

        public int Port { get; set; }

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Server.StopAsync(cts.Token);
            await Server.DisposeAsync();
        }
    }
}
