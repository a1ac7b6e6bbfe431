using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// The wire facts of README-NODEIPC.md, checked from C# with raw sockets against the real node-ipc
/// 9.2.1 (no engine code involved): if node-ipc's behaviour or the driver scripts change, these
/// fail before the library interop tests do.
/// </summary>
[Collection("node-ipc")]
public sealed class NodeIpcWireTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Node_ipc_client_sends_nothing_on_connect_then_type_data_json_and_form_feed()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        string id = files.Id();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(NodeIpcTestFiles.SocketPath(id)));
        listener.Listen();

        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync("--id", id);
        using Socket accepted = await listener.AcceptAsync(cts.Token);
        await client.WaitForAsync("connect");

        // Nothing arrives on connect (bounded look: 300 ms).
        byte[] buffer = new byte[4096];
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await accepted.ReceiveAsync(buffer, SocketFlags.None, quiet.Token));
        }

        await client.SendAsync(new { cmd = "emit", type = "message", data = "hello" });
        Assert.Equal("{\"type\":\"message\",\"data\":\"hello\"}\f", await ReadUntilFormFeedAsync(accepted, 1, cts.Token));

        // No data becomes {}, 0 and false are kept, objects keep their key order, \f is escaped.
        await client.SendAsync(new { cmd = "emit", type = "t" });
        Assert.Equal("{\"type\":\"t\",\"data\":{}}\f", await ReadUntilFormFeedAsync(accepted, 1, cts.Token));
        await client.SendAsync(new { cmd = "emit", type = "z", data = 0 });
        Assert.Equal("{\"type\":\"z\",\"data\":0}\f", await ReadUntilFormFeedAsync(accepted, 1, cts.Token));
        await client.SendAsync(new { cmd = "emit", type = "o", data = new { b = 1, a = "x\fé" } });
        byte[] expected = Encoding.UTF8.GetBytes("{\"type\":\"o\",\"data\":{\"b\":1,\"a\":\"x\\fé\"}}\f");
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Encoding.UTF8.GetBytes(await ReadUntilFormFeedAsync(accepted, 1, cts.Token))));
    }

    [Fact]
    public async Task Node_ipc_world_server_answers_raw_bytes_and_survives_malformed_input()
    {
        using var files = new NodeIpcTestFiles();
        using var cts = new CancellationTokenSource(Bound);
        string id = files.Id();
        await using NodeIpcProcess server = await NodeIpcProcess.StartServerAsync("--id", id, "--world");
        Assert.Equal(NodeIpcTestFiles.SocketPath(id), server.StartEvent.GetProperty("path").GetString());

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(NodeIpcTestFiles.SocketPath(id)), cts.Token);
        await server.WaitForAsync("connect");

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"message\",\"data\":\"hello\"}\f"), SocketFlags.None, cts.Token);
        Assert.Equal("{\"type\":\"message\",\"data\":\"hello world!\"}\f", await ReadUntilFormFeedAsync(socket, 1, cts.Token));

        // Malformed JSON is an 'error' event; the connection stays open and later messages work.
        await socket.SendAsync(Encoding.UTF8.GetBytes("not json\f"), SocketFlags.None, cts.Token);
        JsonElement error = await server.WaitForAsync("error");
        Assert.Equal("Invalid JSON response format", error.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("not json", error.GetProperty("data").GetProperty("response").GetString());

        // A read that ends inside a message holds back even the complete one before it.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"message\",\"data\":\"a\"}\f{\"type\":\"message\",\"da"), SocketFlags.None, cts.Token);
        await Task.Delay(300, cts.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ta\":\"b\"}\f"), SocketFlags.None, cts.Token);
        Assert.Equal(
            "{\"type\":\"message\",\"data\":\"a world!\"}\f{\"type\":\"message\",\"data\":\"b world!\"}\f",
            await ReadUntilFormFeedAsync(socket, 2, cts.Token));
        JsonElement a = await server.WaitForAsync("msg", e => e.GetProperty("data").GetString() == "a");
        JsonElement b = await server.WaitForAsync("msg", e => e.GetProperty("data").GetString() == "b");
        Assert.Equal(1, a.GetProperty("n").GetInt32());
        Assert.Equal(2, b.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Node_ipc_client_retries_every_retry_ms_and_is_destroyed_after_max_retries()
    {
        using var files = new NodeIpcTestFiles();
        string id = files.Id(); // nobody listens there
        await using NodeIpcProcess client = await NodeIpcProcess.StartClientAsync("--id", id, "--retry", "100", "--max-retries", "2");
        JsonElement destroy = await client.WaitForAsync("destroy");
        var errors = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            JsonElement e = await client.WaitForAsync("error", x => x.GetProperty("code").GetString() == "ENOENT");
            errors.Add(e.GetProperty("ms").GetInt32());
        }

        // One attempt plus two retries about 100 ms apart, then destroy.
        Assert.InRange(errors[1] - errors[0], 80, 1000);
        Assert.InRange(errors[2] - errors[1], 80, 1000);
        Assert.True(destroy.GetProperty("ms").GetInt32() >= errors[2]);
        Assert.False(client.HasPending("connect"));
    }

    /// <summary>Reads until <paramref name="count"/> form feeds have arrived (bounded by the token).</summary>
    internal static async Task<string> ReadUntilFormFeedAsync(Socket socket, int count, CancellationToken ct)
    {
        var bytes = new List<byte>();
        byte[] buffer = new byte[65536];
        while (bytes.Count(static b => b == 0x0C) < count)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                throw new IOException($"The socket closed after {bytes.Count} bytes: {Encoding.UTF8.GetString(bytes.ToArray())}");
            }

            bytes.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
