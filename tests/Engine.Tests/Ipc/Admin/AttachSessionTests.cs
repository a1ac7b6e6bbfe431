using System.Text.Json;
using Devp2p.Cli.Attach;
using Devp2p.Engine.Tests.Servers;
using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>The attach console and --exec against a real node over its Unix socket.</summary>
public sealed class AttachSessionTests
{
    [Fact]
    public async Task Execute_PrintsThePrettyResult_OnOutput()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var output = new StringWriter();
        var error = new StringWriter();
        var session = new AttachSession(client, output, error);

        Assert.True(await session.ExecuteAsync("admin_nodeInfo", cts.Token));
        using (JsonDocument info = JsonDocument.Parse(output.ToString()))
        {
            Assert.Equal(node.Server.Self.ToString(), info.RootElement.GetProperty("enode").GetString());
        }

        Assert.Contains("\n  \"id\": ", output.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("", error.ToString());

        output.GetStringBuilder().Clear();
        Assert.True(await session.ExecuteAsync("net_peerCount", cts.Token));
        Assert.Equal("\"0x0\"" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public async Task Execute_Errors_GoToTheErrorWriter_WithCodeAndMessage()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var output = new StringWriter();
        var error = new StringWriter();
        var session = new AttachSession(client, output, error);

        Assert.False(await session.ExecuteAsync("admin_addPeer enode://zz@127.0.0.1:1", cts.Token));
        Assert.StartsWith("error -32000: invalid enode: invalid public key", error.ToString(), StringComparison.Ordinal);

        error.GetStringBuilder().Clear();
        Assert.False(await session.ExecuteAsync("admin_addPeer", cts.Token));
        Assert.Equal("error -32602: missing value for required argument 0" + Environment.NewLine, error.ToString());

        error.GetStringBuilder().Clear();
        Assert.False(await session.ExecuteAsync("admin_nope", cts.Token));
        Assert.Equal("error -32601: the method admin_nope does not exist/is not available" + Environment.NewLine, error.ToString());

        error.GetStringBuilder().Clear();
        Assert.False(await session.ExecuteAsync("nope", cts.Token));
        Assert.StartsWith("\"nope\" is not a method name", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task Execute_AddPeer_ThenPeers_ShowsThePeer()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var output = new StringWriter();
        var session = new AttachSession(client, output, new StringWriter());

        Assert.True(await session.ExecuteAsync("admin_addPeer " + other.Self, cts.Token));
        Assert.Equal("true" + Environment.NewLine, output.ToString());
        await ServerTestKit.WaitUntilAsync(() => node.Server.PeerCount == 1, "the peer is connected", cts.Token);

        output.GetStringBuilder().Clear();
        Assert.True(await session.ExecuteAsync("admin.peers", cts.Token));
        using JsonDocument peers = JsonDocument.Parse(output.ToString());
        Assert.Equal(other.Self.Id.ToString(), peers.RootElement[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Run_Script_RunsEachLine_UntilExit_AndFailsIfOneFailed()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);

        var output = new StringWriter();
        var session = new AttachSession(client, output, new StringWriter());
        string script = "net_peerCount\n# a comment\n\n  web3_clientVersion  \nexit\nnet_listening\n";
        Assert.Equal(0, await session.RunAsync(new StringReader(script), interactive: false, cts.Token));
        Assert.Equal($"\"0x0\"{Environment.NewLine}\"{node.Server.Config.Name}\"{Environment.NewLine}", output.ToString());

        var error = new StringWriter();
        session = new AttachSession(client, new StringWriter(), error);
        Assert.Equal(1, await session.RunAsync(new StringReader("net_peerCount\nadmin_nope\nnet_listening"), interactive: false, cts.Token));
        Assert.Contains("error -32601", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Interactive_GreetsWithVersionAndModules_AndPrompts()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var output = new StringWriter();
        var session = new AttachSession(client, output, new StringWriter());

        Assert.Equal(0, await session.RunAsync(new StringReader("help\nnet_listening\nadmin_nope\n"), interactive: true, cts.Token));
        string text = output.ToString();
        Assert.Contains($"instance: {node.Server.Config.Name}", text, StringComparison.Ordinal);
        Assert.Contains("modules: admin:1.0 net:1.0 rpc:1.0 web3:1.0", text, StringComparison.Ordinal);
        Assert.Contains(AttachSession.HelpText, text, StringComparison.Ordinal);
        Assert.Contains("> true" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Equal(4, text.Split("> ").Length - 1); // help, net_listening, admin_nope, end of input
    }

    [Fact]
    public async Task Subscribe_PrintsPeerEvents_UntilCancelCurrent()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        using var otherKey = Devp2p.Crypto.PrivateKey.Generate();
        await using Server other = await ServerTestKit.StartAsync(ServerTestKit.Config(otherKey), cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var output = new SynchronizedStringWriter();
        var error = new SynchronizedStringWriter();
        var session = new AttachSession(client, output, error);
        Assert.False(session.CancelCurrent());

        Task<bool> subscribed = session.ExecuteAsync("admin_subscribe peerEvents", cts.Token);

        // The subscribe request was written before this call on the same connection, and the server
        // registers a subscription while reading its request: after this answer no event is missed.
        await client.CallAsync("net_peerCount", RpcJsonContext.Default.String, cts.Token);
        node.Server.AddPeer(other.Self);
        await ServerTestKit.WaitUntilAsync(() => output.ToString().Contains("\"type\": \"add\"", StringComparison.Ordinal), "the add event is printed", cts.Token);
        Assert.Contains($"\"peer\": \"{other.Self.Id}\"", output.ToString(), StringComparison.Ordinal);

        Assert.True(session.CancelCurrent());
        Assert.True(await subscribed.WaitAsync(cts.Token));
        Assert.Contains("unsubscribed from peerEvents", error.ToString(), StringComparison.Ordinal);
        Assert.False(session.CancelCurrent());

        // The session goes on.
        Assert.True(await session.ExecuteAsync("net_peerCount", cts.Token));
    }

    [Fact]
    public async Task Subscribe_WithoutAName_IsRefused()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);
        var error = new StringWriter();
        var session = new AttachSession(client, new StringWriter(), error);
        Assert.False(await session.ExecuteAsync("admin_subscribe", cts.Token));
        Assert.Contains("needs the subscription name first", error.ToString(), StringComparison.Ordinal);
        error.GetStringBuilder().Clear();
        Assert.False(await session.ExecuteAsync("admin_subscribe nope", cts.Token));
        Assert.Equal("error -32601: no \"nope\" subscription in admin namespace" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task Run_ConnectionLost_EndsWithExitCode1()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(node.Ipc.EndPoint, cts.Token);

        // Answered once, so the server serves this connection before it stops.
        Assert.Equal("0x0", await client.CallAsync("net_peerCount", RpcJsonContext.Default.String, cts.Token));
        await node.Rpc.StopAsync(cts.Token);
        await client.Completion.WaitAsync(cts.Token);
        var error = new StringWriter();
        var session = new AttachSession(client, new StringWriter(), error);
        Assert.Equal(1, await session.RunAsync(new StringReader("net_peerCount\nnet_listening\n"), interactive: false, cts.Token));
        Assert.StartsWith("connection lost: ", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A StringWriter safe to read while another task writes.</summary>
    private sealed class SynchronizedStringWriter : StringWriter
    {
        private readonly object _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            Write(value + NewLine);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToString() + NewLine);
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
