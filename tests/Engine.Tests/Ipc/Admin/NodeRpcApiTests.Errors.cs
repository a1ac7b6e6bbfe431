using System.Text.Json;
using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <content>Errors: codes and messages as geth answers them.</content>
public sealed partial class NodeRpcApiTests
{
    [Theory]
    [MemberData(nameof(AdminTestNode.Transports), MemberType = typeof(AdminTestNode))]
    public async Task InvalidEnode_IsAnError_WithGethsPrefix(string transport)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        await using RpcClient client = await node.ConnectAsync(transport, cts.Token);
        foreach (string method in new[] { "admin_addPeer", "admin_removePeer", "admin_addTrustedPeer", "admin_removeTrustedPeer" })
        {
            RpcException ex = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync(method, s_json.Boolean, cts.Token, "enode://zz@127.0.0.1:30303"));
            Assert.Equal(RpcErrorCodes.ServerError, ex.Code);
            Assert.StartsWith("invalid enode: invalid public key", ex.Message, StringComparison.Ordinal);
        }

        RpcException noScheme = await Assert.ThrowsAsync<RpcException>(async () => await client.CallAsync("admin_addPeer", s_json.Boolean, cts.Token, "127.0.0.1:30303"));
        Assert.StartsWith("invalid enode: ", noScheme.Message, StringComparison.Ordinal);
        Assert.Equal(0, node.Server.PeerCount);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_addPeer"}""", -32602, "missing value for required argument 0")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_addPeer","params":[null]}""", -32602, "missing value for required argument 0")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_addPeer","params":["a","b"]}""", -32602, "too many arguments, want at most 1")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_addPeer","params":{"url":"a"}}""", -32602, "non-array args")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_peers","params":[1]}""", -32602, "too many arguments, want at most 0")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["68656c6c6f"]}""", -32602, "invalid argument 0: hex string without 0x prefix")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x686"]}""", -32602, "invalid argument 0: hex string of odd length")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0xzz"]}""", -32602, "invalid argument 0: invalid hex string")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_subscribe","params":[]}""", -32602, "expected subscription name as first argument")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_subscribe","params":["nope"]}""", -32601, "no \"nope\" subscription in admin namespace")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_subscribe","params":["peerEvents",1]}""", -32602, "too many arguments, want at most 1")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"admin_nope"}""", -32601, "the method admin_nope does not exist/is not available")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}""", -32601, "the method eth_blockNumber does not exist/is not available")]
    public async Task BadCalls_GetGethsCodeAndMessage(string request, int code, string message)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token);
        foreach (string transport in new[] { AdminTestNode.InProcess, AdminTestNode.Unix })
        {
            await using RawRpcClient raw = await node.ConnectRawAsync(transport, cts.Token);
            using JsonDocument response = JsonDocument.Parse(await raw.CallAsync(request, cts.Token));
            Assert.Equal(["error", "id", "jsonrpc"], AdminTestNode.PropertyNames(response.RootElement));
            Assert.Equal(1, response.RootElement.GetProperty("id").GetInt32());
            JsonElement error = response.RootElement.GetProperty("error");
            Assert.Equal(["code", "message"], AdminTestNode.PropertyNames(error));
            Assert.Equal(code, error.GetProperty("code").GetInt32());
            Assert.Equal(message, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task AddPeer_OnAServerNotStarted_IsNodeNotStarted()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using AdminTestNode node = await AdminTestNode.StartAsync(cts.Token, start: false);
        await using RawRpcClient raw = await node.ConnectRawAsync(AdminTestNode.Unix, cts.Token);
        string enode = "enode://" + node.Server.Self.PublicKey.ToHex() + "@127.0.0.1:30303";
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"node not started"}}""",
            await raw.CallAsync($$"""{"jsonrpc":"2.0","id":1,"method":"admin_addPeer","params":["{{enode}}"]}""", cts.Token));

        // Reading needs no running server.
        Assert.Equal(
            """{"jsonrpc":"2.0","id":2,"result":[]}""",
            await raw.CallAsync("""{"jsonrpc":"2.0","id":2,"method":"admin_peers"}""", cts.Token));
    }
}
