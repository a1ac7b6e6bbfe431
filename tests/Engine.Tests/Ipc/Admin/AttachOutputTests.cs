using System.Text.Json;
using Devp2p.Cli.Attach;
using Devp2p.Ipc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>How <c>devp2p attach</c> prints results and errors.</summary>
public sealed class AttachOutputTests
{
    [Fact]
    public void FormatResult_PrettyPrintsObjects_WithTwoSpaces()
    {
        using JsonDocument doc = JsonDocument.Parse("""{"id":"ab","ports":{"discovery":0,"listener":30303},"caps":["hold/1"],"enode":"enode://x@127.0.0.1:1?discport=0"}""");
        string text = AttachOutput.FormatResult(doc.RootElement);
        string expected = string.Join(
            '\n',
            "{",
            "  \"id\": \"ab\",",
            "  \"ports\": {",
            "    \"discovery\": 0,",
            "    \"listener\": 30303",
            "  },",
            "  \"caps\": [",
            "    \"hold/1\"",
            "  ],",
            "  \"enode\": \"enode://x@127.0.0.1:1?discport=0\"",
            "}");
        Assert.Equal(expected, text.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("\"0x3\"", "\"0x3\"")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("[]", "[]")]
    [InlineData("\"a+b<c>&d é\"", "\"a+b<c>&d é\"")]
    public void FormatResult_KeepsScalarsOnOneLine_Unescaped(string json, string expected)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal(expected, AttachOutput.FormatResult(doc.RootElement));
    }

    [Fact]
    public void FormatResult_Undefined_IsNull() => Assert.Equal("null", AttachOutput.FormatResult(default));

    [Fact]
    public void FormatError_ShowsCodeMessageAndData()
    {
        Assert.Equal(
            "error -32602: missing value for required argument 0",
            AttachOutput.FormatError(new RpcException(RpcErrorCodes.InvalidParams, "missing value for required argument 0")));
        using JsonDocument data = JsonDocument.Parse("""{"reason":"x"}""");
        Assert.Equal(
            """error 3: execution reverted (data: {"reason":"x"})""",
            AttachOutput.FormatError(new RpcException(3, "execution reverted", data.RootElement.Clone())));
    }
}
