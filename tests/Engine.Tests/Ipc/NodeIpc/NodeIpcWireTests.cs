using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Devp2p.Ipc.NodeIpc;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>
/// The exact bytes our client writes, read by a plain Unix socket listener, against what node-ipc
/// 9.2.1 writes (tests/Interop/nodeipc/README-NODEIPC.md, "Framing").
/// </summary>
public sealed class NodeIpcWireTests
{
    [Fact]
    public async Task EmitsWhatNodeIpcEmits()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(dir.Root + "app.world");
        await listener.BindAsync(cts.Token);
        await using var client = new NodeIpcClient(NodeIpcTestKit.Config(dir.Root));
        Task connecting = client.ConnectToAsync("world", cts.Token);
        await using TransportConnection peer = (await listener.AcceptAsync(cts.Token))!;
        await connecting;

        using JsonDocument values = JsonDocument.Parse("[0,false,null,\"\",{\"b\":1,\"a\":[1,\"x\"],\"id\":\"c1\"}]");
        await client.EmitAsync("message", "hello", cts.Token);
        await client.EmitAsync("t", cts.Token);
        await client.EmitAsync("t", (string?)null, cts.Token);
        await client.EmitAsync("t", string.Empty, cts.Token);
        foreach (JsonElement value in values.RootElement.EnumerateArray())
        {
            await client.EmitAsync("v", value, cts.Token);
        }

        await client.EmitAsync("s", "é€😀\f\n\"\\\u2028\udc00", cts.Token);
        await client.EmitAsync("é€😀", "x", cts.Token);
        await client.EmitAsync("p", new TestPoint(1, 2), NodeIpcTestJsonContext.Default.TestPoint, cts.Token);
        await client.EmitAsync<TestPoint?>("p", null, NodeIpcTestJsonContext.Default.TestPoint!, cts.Token);

        string[] expected =
        [
            "{\"type\":\"message\",\"data\":\"hello\"}",
            "{\"type\":\"t\",\"data\":{}}",
            "{\"type\":\"t\",\"data\":{}}",
            "{\"type\":\"t\",\"data\":{}}",
            "{\"type\":\"v\",\"data\":0}",
            "{\"type\":\"v\",\"data\":false}",
            "{\"type\":\"v\",\"data\":{}}",
            "{\"type\":\"v\",\"data\":{}}",
            "{\"type\":\"v\",\"data\":{\"b\":1,\"a\":[1,\"x\"],\"id\":\"c1\"}}",
            // As JSON.stringify: non-ASCII (also U+2028 and emoji) raw, a lone surrogate as \udc00.
            "{\"type\":\"s\",\"data\":\"é€😀\\f\\n\\\"\\\\\u2028\\udc00\"}",
            "{\"type\":\"é€😀\",\"data\":\"x\"}",
            "{\"type\":\"p\",\"data\":{\"x\":1,\"y\":2,\"id\":null}}",
            "{\"type\":\"p\",\"data\":{}}",
        ];
        string wire = await ReadAsync(peer.Transport.Input, Encoding.UTF8.GetByteCount(string.Concat(expected.Select(e => e + "\f"))), cts.Token);

        // The README's 34 bytes for emit('message', 'hello'), byte for byte.
        Assert.StartsWith(
            Encoding.UTF8.GetString(Convert.FromHexString("7b2274797065223a226d657373616765222c2264617461223a2268656c6c6f227d0c")),
            wire);
        Assert.Equal(expected, wire.Split('\f')[..^1]);
        Assert.Contains("c3a9e282acf09f9880", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(wire)));
        Assert.EndsWith("\f", wire);
    }

    private static async Task<string> ReadAsync(PipeReader input, int bytes, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct);
            if (result.Buffer.Length >= bytes || result.IsCompleted)
            {
                string text = Encoding.UTF8.GetString(result.Buffer);
                input.AdvanceTo(result.Buffer.End);
                return text;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
