using System.Text.Json;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>
/// The node API against a real Server, over the Unix socket and in-process: result shapes with
/// go-ethereum's property names, peer management, peer events and errors.
/// </summary>
public sealed partial class NodeRpcApiTests
{
    private static readonly RpcJsonContext s_json = RpcJsonContext.Default;

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task NodeInfo_HasGethsShape_AndDescribesTheServer(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);

        JsonElement info = await client.CallAsync("admin_nodeInfo", s_json.JsonElement, cts.Token);

        // geth's p2p.NodeInfo: id, name, enode, enr (omitempty), ip, ports{discovery,listener}, listenAddr, protocols.
        Assert.Equal(["enode", "id", "ip", "listenAddr", "name", "ports", "protocols"], AdminTestNode.PropertyNames(info));
        Assert.Equal(["discovery", "listener"], AdminTestNode.PropertyNames(info.GetProperty("ports")));
        Assert.Equal(node.Id, info.GetProperty("id").GetString());
        Assert.Equal(node.Server.Config.Name, info.GetProperty("name").GetString());
        Assert.Equal(node.Server.Self.ToString(), info.GetProperty("enode").GetString());
        Assert.Equal("127.0.0.1", info.GetProperty("ip").GetString());
        Assert.Equal(node.Server.ListenEndPoint!.Port, info.GetProperty("ports").GetProperty("listener").GetInt32());
        Assert.Equal(0, info.GetProperty("ports").GetProperty("discovery").GetInt32());
        Assert.Equal(node.Server.ListenAddr, info.GetProperty("listenAddr").GetString());
        Assert.Equal("unknown", info.GetProperty("protocols").GetProperty("hold").GetString());

        // The typed metadata embedders use decodes the same answer.
        NodeInfo typed = await client.CallAsync("admin_nodeInfo", AdminJsonContext.Default.NodeInfo, cts.Token);
        Assert.Equal(node.Server.Self.ToString(), typed.Enode);
        Assert.Equal(node.Server.ListenEndPoint.Port, typed.Ports.Listener);
    }

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task NetAndWeb3_AnswerAsGeth(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RawRpcClient raw = await node.ConnectRawAsync(transport, cts.Token);

        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":"0x0"}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"net_peerCount"}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":true}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"net_listening","params":[]}""", cts.Token));
        Assert.Equal(
            $$"""{"jsonrpc":"2.0","id":3,"result":"{{node.Server.Config.Name}}"}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":3,"method":"web3_clientVersion"}""", cts.Token));

        // Keccak-256 of "hello", and of nothing.
        Assert.Equal(
            """{"jsonrpc":"2.0","id":4,"result":"0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":4,"method":"web3_sha3","params":["0x68656c6c6f"]}""", cts.Token));
        Assert.Equal(
            """{"jsonrpc":"2.0","id":5,"result":"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":5,"method":"web3_sha3","params":["0x"]}""", cts.Token));
    }

    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task RpcModules_ListsEveryNamespace_AtVersion1(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RawRpcClient raw = await node.ConnectRawAsync(transport, cts.Token);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"result":{"admin":"1.0","net":"1.0","rpc":"1.0","web3":"1.0"}}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":1,"method":"rpc_modules"}""", cts.Token));
    }

    [Fact]
    public async Task NetListening_IsFalse_OnceTheServerStopped()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await node.ConnectAsync(AdminTestNode.InProcess, cts.Token);
        Assert.True(await client.CallAsync("net_listening", s_json.Boolean, cts.Token));
        await node.Server.StopAsync(cts.Token);
        Assert.False(await client.CallAsync("net_listening", s_json.Boolean, cts.Token));
    }

    [Fact]
    public void Register_Twice_IsRefused_NamingTheMethod()
    {
        var registry = new RpcMethodRegistry();
        using var key = Devp2p.Crypto.PrivateKey.Generate();
        var server = new Server(Servers.ServerTestKit.Config(key));
        NodeRpcApi.Register(registry, server);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => NodeRpcApi.Register(registry, server));
        Assert.Contains("admin_nodeInfo", ex.Message, StringComparison.Ordinal);
    }
}
