using System.Buffers;
using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Raw-buffer mode (no JSON, no delimiter) and the client's sync mode.</summary>
public sealed class NodeIpcRawBufferTests
{
    [Fact]
    public async Task RawBytesFlowBothWaysUnframed()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.RawBuffer = true;
        config.Encoding = "hex";
        var atServer = new Probe<byte[]>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.OnData(async (data, socket, ct) =>
            {
                byte[] copy = data.ToArray();
                atServer.Add(copy);

                // Echo with every byte incremented.
                await s.EmitRawAsync(socket, copy.Select(b => (byte)(b + 1)).ToArray(), ct);
            }));
        var atClient = new List<byte>();
        var clientGot = new Probe<int>();
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token, c =>
            c.OnData(data =>
            {
                lock (atClient)
                {
                    atClient.AddRange(data.ToArray());
                }

                clientGot.Add((int)data.Length);
            }));

        // The delimiter byte and invalid UTF-8 pass untouched: nothing is framed or decoded.
        await client.EmitRawAsync("000cff41", cts.Token);
        await client.EmitRawAsync(new byte[] { 0x7b, 0x0c }, cts.Token);

        var received = new List<byte>();
        while (received.Count < 6)
        {
            received.AddRange(await atServer.NextAsync(cts.Token));
        }

        Assert.Equal(new byte[] { 0x00, 0x0c, 0xff, 0x41, 0x7b, 0x0c }, received);
        int total = 0;
        while (total < 6)
        {
            total += await clientGot.NextAsync(cts.Token);
        }

        lock (atClient)
        {
            Assert.Equal(new byte[] { 0x01, 0x0d, 0x00, 0x42, 0x7c, 0x0d }, atClient);
        }
    }

    [Fact]
    public async Task RawEmitOfATypeSendsTheTypeEncoded()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.RawBuffer = true;
        var text = new System.Text.StringBuilder();
        var got = new Probe<int>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(config, cts.Token, s =>
            s.OnData((data, _) =>
            {
                text.Append(System.Text.Encoding.UTF8.GetString(data.ToArray()));
                got.Add((int)data.Length);
            }));
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(config, cts.Token);

        // node-ipc in raw mode: emit('hello', ignored) writes Buffer.from('hello', 'utf8').
        await client.EmitAsync("hello", "ignored", cts.Token);
        int total = 0;
        while (total < 5)
        {
            total += await got.NextAsync(cts.Token);
        }

        Assert.Equal("hello", text.ToString());
    }

    [Fact]
    public async Task SyncModeSendsTheNextEmitOnlyAfterAReply()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig serverConfig = NodeIpcTestKit.Config(dir.Root);
        var asked = new Probe<(string Data, NodeIpcSocket Socket)>();
        await using NodeIpcServer server = await NodeIpcTestKit.ServeUnixAsync(serverConfig, cts.Token, s =>
            s.On("q", (data, socket) => asked.Add((data.GetString()!, socket))));
        NodeIpcConfig clientConfig = NodeIpcTestKit.Config(dir.Root);
        clientConfig.Sync = true;
        await using NodeIpcClient client = await NodeIpcTestKit.ConnectUnixAsync(clientConfig, cts.Token);

        Task first = client.EmitAsync("q", "1", cts.Token).AsTask();
        Task second = client.EmitAsync("q", "2", cts.Token).AsTask();
        (string data, NodeIpcSocket socket) = await asked.NextAsync(cts.Token);
        Assert.Equal("1", data);
        await first;

        await Task.Delay(100, cts.Token);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, asked.Count);

        await server.EmitAsync(socket, "answer", "a1", cts.Token);
        Assert.Equal("2", (await asked.NextAsync(cts.Token)).Data);
        await second;
    }
}
