using System.Text.Json;
using Devp2p.Cli.Attach;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>How <c>devp2p attach</c> reads a line into a method and parameters.</summary>
public sealed class AttachInputTests
{
    private const string Enode = "enode://a979fb575495b8d6db44f750317d0f4622bf4c2aa3365d6af7c284339968eef29b69ad0dce72a4d8db5ebb4968de0e3bec910127f134779fbcb0cb6d3331163c@52.16.188.185:30303";

    [Theory]
    [InlineData("admin_peers", "admin_peers", "[]")]
    [InlineData("  admin_peers  ", "admin_peers", "[]")]
    [InlineData("admin.peers", "admin_peers", "[]")]
    [InlineData("admin.nodeInfo()", "admin_nodeInfo", "[]")]
    [InlineData("net_peerCount", "net_peerCount", "[]")]
    [InlineData("""web3_sha3 "0x68" """, "web3_sha3", """["0x68"]""")]
    [InlineData("test_many 1 -2.5 true false null", "test_many", "[1,-2.5,true,false,null]")]
    [InlineData("""test_many 1, "a", [1, 2], {"k": "v"}""", "test_many", """[1,"a",[1,2],{"k":"v"}]""")]
    [InlineData("test_words hello nullable true1", "test_words", """["hello","nullable","true1"]""")]
    [InlineData("""admin.addPeer("x", 1, [true])""", "admin_addPeer", """["x",1,[true]]""")]
    [InlineData("""test_unicode "héllo" wörd""", "test_unicode", """["héllo","wörd"]""")]
    public void Parse_ReadsTheMethodAndEachParameter(string line, string method, string parameters)
    {
        AttachRequest request = AttachInput.Parse(line);
        Assert.Equal(method, request.Method);
        using JsonDocument expected = JsonDocument.Parse(parameters);
        Assert.Equal(expected.RootElement.GetArrayLength(), request.Params.Count);
        for (int i = 0; i < request.Params.Count; i++)
        {
            Assert.True(
                JsonElement.DeepEquals(expected.RootElement[i], request.Params[i]),
                $"parameter {i}: expected {expected.RootElement[i].GetRawText()}, got {request.Params[i].GetRawText()}");
        }
    }

    [Fact]
    public void Parse_AnEnodeNeedsNoQuotes()
    {
        AttachRequest bare = AttachInput.Parse("admin_addPeer " + Enode);
        AttachRequest quoted = AttachInput.Parse($"admin_addPeer \"{Enode}\"");
        AttachRequest console = AttachInput.Parse($"admin.addPeer(\"{Enode}\")");
        Assert.Equal(Enode, Assert.Single(bare.Params).GetString());
        Assert.Equal(Enode, Assert.Single(quoted.Params).GetString());
        Assert.Equal(Enode, Assert.Single(console.Params).GetString());
        Assert.Equal("admin", bare.Namespace);
        Assert.False(bare.IsSubscription);
    }

    [Fact]
    public void Parse_Subscribe_IsASubscription_InItsNamespace()
    {
        AttachRequest request = AttachInput.Parse("admin_subscribe peerEvents");
        Assert.True(request.IsSubscription);
        Assert.Equal("admin", request.Namespace);
        Assert.Equal("peerEvents", Assert.Single(request.Params).GetString());
    }

    [Theory]
    [InlineData("", "nothing to call")]
    [InlineData("   ", "nothing to call")]
    [InlineData("peers", "\"peers\" is not a method name")]
    [InlineData("_peers", "\"_peers\" is not a method name")]
    [InlineData("admin_", "\"admin_\" is not a method name")]
    [InlineData("admin.add.peer", "\"admin.add.peer\" is not a method name")]
    [InlineData("\"admin_peers\"", "is not a method name")]
    [InlineData("admin_addPeer\"x\"", "is not a method name")]
    [InlineData("test_x [1, 2", "argument 1 is not valid JSON")]
    [InlineData("test_x 1 {\"a\":}", "argument 2 is not valid JSON")]
    [InlineData("test_x \"unterminated", "argument 1 is not valid JSON")]
    [InlineData("test_x 12abc", "argument 1 is not valid JSON")]
    [InlineData("test_x {\"a\":1}[1]", "argument 1 is followed by \"[1]\" without a blank")]
    [InlineData("admin.addPeer(\"x\"", "missing ')'")]
    [InlineData("admin.addPeer(x)", "are not JSON values separated by commas")]
    public void Parse_Refuses_SayingWhy(string line, string reason)
    {
        Assert.False(AttachInput.TryParse(line, out AttachRequest? request, out string? error));
        Assert.Null(request);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal(error, Assert.Throws<FormatException>(() => AttachInput.Parse(line)).Message);
    }
}
