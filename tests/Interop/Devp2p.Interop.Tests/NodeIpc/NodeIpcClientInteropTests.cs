using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// Our <see cref="NodeIpcClient"/> (and our UDP endpoint) talking to a real node-ipc 9.2.1 server
/// (tests/Interop/nodeipc/server.js) over a Unix socket, TCP, TLS and UDP on 127.0.0.1.
/// </summary>
[Collection("node-ipc")]
public sealed class NodeIpcClientInteropTests
{
    private const int Many = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task World_example_our_client_says_hello_node_ipc_server_answers_world(string transport)
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, transport, "--world");
        await using NodeIpcClient client = NewClient(files, transport);
        var replies = Channel.CreateUnbounded<string?>();
        client.On("message", data => replies.Writer.TryWrite(data.GetString()));

        await ConnectAsync(client, server, transport, cts.Token);
        await server.WaitForAsync("connect");
        await client.EmitAsync("message", "hello", cts.Token);

        JsonElement seen = await server.WaitForAsync("msg");
        Assert.Equal("message", seen.GetProperty("type").GetString());
        Assert.Equal("hello", seen.GetProperty("data").GetString());
        Assert.Equal("hello world!", await replies.Reader.ReadAsync(cts.Token));
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("tcp")]
    public async Task Ten_thousand_messages_arrive_complete_and_in_order_both_ways_with_a_node_ipc_server(string transport)
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, transport, "--quiet");
        await using NodeIpcClient client = NewClient(files, transport);
        var received = new List<string?>(Many);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("seq", data =>
        {
            received.Add(data.ValueKind == JsonValueKind.String ? data.GetString() : data.ToString());
            if (received.Count == Many)
            {
                all.TrySetResult();
            }
        });

        await ConnectAsync(client, server, transport, cts.Token);
        JsonElement connect = await server.WaitForAsync("connect");

        // us -> node-ipc.
        for (int i = 0; i < Many; i++)
        {
            await client.EmitAsync("seq", "c" + i, cts.Token);
        }

        JsonElement check = await server.RequestAsync(new { cmd = "check", type = "seq", count = Many, prefix = "c", waitMs = 15000 }, "check");
        Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString());

        // node-ipc -> us.
        await server.SendAsync(new { cmd = "emit", socket = connect.GetProperty("socket").GetInt32(), type = "seq", data = "s{i}", count = Many });
        await all.Task.WaitAsync(cts.Token);
        await Task.Delay(50, cts.Token); // nothing beyond the 10,000 may follow
        Assert.Equal(Many, received.Count);
        for (int i = 0; i < Many; i++)
        {
            Assert.Equal("s" + i, received[i]);
        }
    }

    [Fact]
    public async Task Our_client_reconnects_after_the_node_ipc_server_restarts()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, "unix");
        NodeIpcConfig config = ClientConfig(files, "unix");
        config.Retry = TimeSpan.FromMilliseconds(50);
        await using var client = new NodeIpcClient(config);
        var lifecycle = Channel.CreateUnbounded<string>();
        client.Connected += () => lifecycle.Writer.TryWrite("connect");
        client.Disconnected += () => lifecycle.Writer.TryWrite("disconnect");
        client.Destroyed += () => lifecycle.Writer.TryWrite("destroy");
        int errors = 0;
        client.Error += _ => Interlocked.Increment(ref errors);

        await ConnectAsync(client, server, "unix", cts.Token);
        Assert.Equal("connect", await lifecycle.Reader.ReadAsync(cts.Token));
        await server.WaitForAsync("connect");

        // node-ipc's stop() plus closing its sockets: our client sees the close and retries.
        JsonElement stopped = await server.RequestAsync(new { cmd = "stop" }, "stopped");
        Assert.False(stopped.GetProperty("socketFileExists").GetBoolean());
        Assert.Equal("disconnect", await lifecycle.Reader.ReadAsync(cts.Token));
        Assert.False(client.IsConnected);
        await Task.Delay(200, cts.Token); // a few failed attempts (about every 50 ms)

        await server.RequestAsync(new { cmd = "start" }, "listening");
        string next;
        do
        {
            next = await lifecycle.Reader.ReadAsync(cts.Token); // a failed attempt is a disconnect too
        }
        while (next == "disconnect");

        Assert.Equal("connect", next);
        Assert.True(Volatile.Read(ref errors) >= 1, "expected failed attempts while the server was down");
        await server.WaitForAsync("connect");
        await client.EmitAsync("back", "again", cts.Token);
        JsonElement back = await server.WaitForAsync("msg");
        Assert.Equal("back", back.GetProperty("type").GetString());
        Assert.Equal("again", back.GetProperty("data").GetString());

        await client.DisconnectAsync(cts.Token);
        Assert.Equal("disconnect", await lifecycle.Reader.ReadAsync(cts.Token));
        Assert.Equal("destroy", await lifecycle.Reader.ReadAsync(cts.Token));
        await server.WaitForAsync("socket.disconnected");
    }

    [Fact]
    public async Task Node_ipc_broadcast_reaches_three_of_our_clients()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, "unix");
        var clients = new List<NodeIpcClient>();
        var got = Channel.CreateUnbounded<(int Client, int N)>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var c = new NodeIpcClient(ClientConfig(files, "unix"));
                clients.Add(c);
                int k = i;
                c.On("news", data => got.Writer.TryWrite((k, data.GetProperty("n").GetInt32())));
                await ConnectAsync(c, server, "unix", cts.Token);
                await server.WaitForAsync("connect");
            }

            JsonElement sent = await server.RequestAsync(new { cmd = "broadcast", type = "news", data = new { n = 7 } }, "sent");
            Assert.Equal(3, sent.GetProperty("sockets").GetInt32());
            var seen = new HashSet<int>();
            for (int i = 0; i < 3; i++)
            {
                (int client, int n) = await got.Reader.ReadAsync(cts.Token);
                Assert.Equal(7, n);
                Assert.True(seen.Add(client), $"client {client} got the broadcast twice");
            }
        }
        finally
        {
            foreach (NodeIpcClient c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Malformed_input_from_a_node_ipc_server_is_an_error_event_and_the_connection_goes_on()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, "unix");
        await using NodeIpcClient client = NewClient(files, "unix");
        var errors = Channel.CreateUnbounded<Exception>();
        client.Error += e => errors.Writer.TryWrite(e);
        var got = Channel.CreateUnbounded<string?>();
        client.On("ok", data => got.Writer.TryWrite(data.GetString()));
        int disconnects = 0;
        client.Disconnected += () => Interlocked.Increment(ref disconnects);

        await ConnectAsync(client, server, "unix", cts.Token);
        JsonElement connect = await server.WaitForAsync("connect");
        int socket = connect.GetProperty("socket").GetInt32();
        await server.RequestAsync(new { cmd = "emitRaw", socket, hex = Convert.ToHexString("garbage\f"u8).ToLowerInvariant() }, "sent");
        NodeIpcException bad = Assert.IsType<NodeIpcException>(await errors.Reader.ReadAsync(cts.Token));
        Assert.Equal("garbage", bad.Response);

        await server.SendAsync(new { cmd = "emit", socket, type = "ok", data = "fine" });
        Assert.Equal("fine", await got.Reader.ReadAsync(cts.Token));
        Assert.True(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref disconnects));
    }

    [Fact]
    public async Task Sync_mode_client_gets_every_echo_from_a_node_ipc_echo_server_in_order()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, "unix", "--echo", "--quiet");
        NodeIpcConfig config = ClientConfig(files, "unix");
        config.Sync = true;
        await using var client = new NodeIpcClient(config);
        var echoes = Channel.CreateUnbounded<string?>();
        client.On("e", data => echoes.Writer.TryWrite(data.GetString()));
        await ConnectAsync(client, server, "unix", cts.Token);

        const int N = 200;
        Task sending = Task.Run(
            async () =>
            {
                for (int i = 0; i < N; i++)
                {
                    await client.EmitAsync("e", "m" + i, cts.Token);
                }
            },
            cts.Token);
        for (int i = 0; i < N; i++)
        {
            Assert.Equal("m" + i, await echoes.Reader.ReadAsync(cts.Token));
        }

        await sending.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task Udp_world_example_our_udp_endpoint_to_a_node_ipc_udp_server()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await StartServerAsync(files, "udp4", "--world");

        // node-ipc has no UDP client: the other side is a second UDP server that emits to an address.
        await using var ours = new NodeIpcServer(new NodeIpcConfig { Id = files.Id(), Silent = true });
        var replies = Channel.CreateUnbounded<(string? Data, EndPoint? From)>();
        ours.On("message", (data, socket) => replies.Writer.TryWrite((data.GetString(), socket.RemoteEndPoint)));
        await ours.ServeNetAsync("127.0.0.1", 0, NodeIpcUdpType.Udp4, cts.Token);
        int ourPort = ((IPEndPoint)ours.EndPoint!).Port;

        var target = new IPEndPoint(IPAddress.Loopback, server.Port);
        await ours.EmitAsync(ours.GetUdpSocket(target), "message", "hello", cts.Token);

        JsonElement seen = await server.WaitForAsync("msg");
        Assert.Equal("hello", seen.GetProperty("data").GetString());
        Assert.Equal($"127.0.0.1:{ourPort}", seen.GetProperty("from").GetString());
        (string? data, EndPoint? from) = await replies.Reader.ReadAsync(cts.Token);
        Assert.Equal("hello world!", data);
        Assert.Equal(target, from);
    }

    [Fact]
    public async Task Retry_events_match_node_ipc_against_a_missing_server()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        string id = files.Id(); // nobody serves it

        // node-ipc's own client, retry 100 ms, maxRetries 2.
        await using NodeIpcProcess theirs = await NodeIpcProcess.StartClientAsync("--id", id, "--retry", "100", "--max-retries", "2");
        await theirs.WaitForAsync("destroy");
        List<string> theirEvents = theirs.TakePending()
            .Select(e => e.GetProperty("event").GetString()!)
            .Where(name => name is "connect" or "error" or "disconnect")
            .Append("destroy")
            .ToList();
        Assert.Equal(["error", "disconnect", "error", "disconnect", "error", "disconnect", "destroy"], theirEvents);

        // Ours, same settings.
        var config = new NodeIpcConfig { Id = NodeIpcTestFiles.NewId(), Silent = true, Retry = TimeSpan.FromMilliseconds(100), MaxRetries = 2 };
        await using var client = new NodeIpcClient(config);
        var ours = new List<(string Name, long Ms)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        client.Error += _ => { lock (ours) { ours.Add(("error", clock.ElapsedMilliseconds)); } };
        client.Disconnected += () => { lock (ours) { ours.Add(("disconnect", clock.ElapsedMilliseconds)); } };
        client.Destroyed += () => { lock (ours) { ours.Add(("destroy", clock.ElapsedMilliseconds)); } };
        client.Connected += () => { lock (ours) { ours.Add(("connect", clock.ElapsedMilliseconds)); } };
        await Assert.ThrowsAnyAsync<IOException>(() => client.ConnectToAsync(id, cts.Token));
        await client.Completion.WaitAsync(cts.Token);

        List<(string Name, long Ms)> snapshot;
        lock (ours)
        {
            snapshot = [.. ours];
        }

        Assert.Equal(theirEvents, snapshot.Select(e => e.Name).ToList());
        long[] attempts = snapshot.Where(e => e.Name == "error").Select(e => e.Ms).ToArray();
        Assert.InRange(attempts[1] - attempts[0], 80, 1000);
        Assert.InRange(attempts[2] - attempts[1], 80, 1000);
    }

    [Fact]
    public async Task Node_ipc_shipped_expired_certificate_works_only_with_reject_unauthorized_false()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        await using NodeIpcProcess server = await NodeIpcProcess.StartServerAsync("--tls-default", "--world");

        // Like node-ipc's own client (CERT_HAS_EXPIRED), ours refuses the expired self-signed certificate by default.
        var strictConfig = new NodeIpcConfig { Id = NodeIpcTestFiles.NewId(), Silent = true, MaxRetries = 0, Tls = new NodeIpcTlsConfig() };
        await using var strict = new NodeIpcClient(strictConfig);
        var errors = Channel.CreateUnbounded<Exception>();
        strict.Error += e => errors.Writer.TryWrite(e);
        await Assert.ThrowsAnyAsync<IOException>(() => strict.ConnectToNetAsync("world", "127.0.0.1", server.Port, cts.Token));
        Assert.True(errors.Reader.TryRead(out _), "a failed TLS handshake must raise Error");

        var looseConfig = new NodeIpcConfig
        {
            Id = NodeIpcTestFiles.NewId(),
            Silent = true,
            Tls = new NodeIpcTlsConfig { RejectUnauthorized = false },
        };
        await using var loose = new NodeIpcClient(looseConfig);
        var replies = Channel.CreateUnbounded<string?>();
        loose.On("message", data => replies.Writer.TryWrite(data.GetString()));
        await loose.ConnectToNetAsync("world", "127.0.0.1", server.Port, cts.Token);
        await loose.EmitAsync("message", "hello", cts.Token);
        Assert.Equal("hello world!", await replies.Reader.ReadAsync(cts.Token));
    }

    private static async Task<NodeIpcProcess> StartServerAsync(NodeIpcTestFiles files, string transport, params string[] extra)
    {
        string[] args = transport switch
        {
            "unix" => ["--id", files.Id()],
            "tcp" => ["--tcp"],
            "tls" => ["--tls-key", files.TlsKeyPath, "--tls-cert", files.TlsCertPath],
            "udp4" => ["--udp4"],
            _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unix, tcp, tls or udp4"),
        };
        return await NodeIpcProcess.StartServerAsync([.. args, .. extra]);
    }

    private static NodeIpcConfig ClientConfig(NodeIpcTestFiles files, string transport)
    {
        var config = new NodeIpcConfig { Id = NodeIpcTestFiles.NewId(), Silent = true };
        if (transport == "tls")
        {
            config.Tls = new NodeIpcTlsConfig { TrustedConnections = [files.TlsCertPath] };
        }

        return config;
    }

    private static NodeIpcClient NewClient(NodeIpcTestFiles files, string transport) => new(ClientConfig(files, transport));

    private static Task ConnectAsync(NodeIpcClient client, NodeIpcProcess server, string transport, CancellationToken ct)
    {
        if (transport == "unix")
        {
            string path = server.StartEvent.GetProperty("path").GetString()!;
            string id = path["/tmp/app.".Length..];
            Assert.Equal(NodeIpcTestFiles.SocketPath(id), path);
            return client.ConnectToAsync(id, ct); // node-ipc's default path rule: /tmp/app.<id>
        }

        return client.ConnectToNetAsync("world", "127.0.0.1", server.Port, ct);
    }
}
