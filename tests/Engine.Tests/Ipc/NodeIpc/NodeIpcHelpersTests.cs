using Devp2p.Ipc.NodeIpc;
using Devp2p.Ipc.NodeIpc.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>node-ipc's path mapping, raw-buffer string encodings and config validation.</summary>
public sealed class NodeIpcHelpersTests
{
    [Theory]
    [InlineData("/tmp/app.world", "tmp-app.world")]
    [InlineData("/var/run/a/b.sock", "var-run-a-b.sock")]
    [InlineData("relative/app.x", "relative-app.x")]
    [InlineData(@"\\.\pipe\already", "already")]
    public void MapsSocketPathsToNodeIpcPipeNames(string path, string pipeName) =>
        Assert.Equal(pipeName, NodeIpcPaths.PipeNameFor(path));

    [Theory]
    [InlineData("0a141e", "hex", new byte[] { 0x0a, 0x14, 0x1e })]
    [InlineData("0A1", "hex", new byte[] { 0x0a })]
    [InlineData("0a zz 14", "hex", new byte[] { 0x0a })]
    [InlineData("aGVsbG8", "base64", new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f })]
    [InlineData("-_8", "base64url", new byte[] { 0xfb, 0xff })]
    [InlineData("é", "latin1", new byte[] { 0xe9 })]
    [InlineData("é", "utf8", new byte[] { 0xc3, 0xa9 })]
    [InlineData("hi", "ucs2", new byte[] { 0x68, 0x00, 0x69, 0x00 })]
    public void EncodesRawStringsAsNodeBufferFromDoes(string text, string encoding, byte[] expected) =>
        Assert.Equal(expected, NodeIpcRawEncoding.GetBytes(text, encoding));

    [Theory]
    [InlineData("\u0001\u007f\b\t\r\u001f", "\"\\u0001\u007f\\b\\t\\r\\u001f\"")]
    [InlineData("", "\"\"")]
    public void EscapesStringsAsJsonStringifyDoes(string value, string json)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            NodeIpcJsonString.WriteStringValue(writer, value);
        }

        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void EscapesLoneSurrogates()
    {
        // Not an InlineData: attribute metadata cannot hold a lone surrogate.
        EscapesStringsAsJsonStringifyDoes("a\ud800b\udfff", "\"a\\ud800b\\udfff\"");
    }

    [Fact]
    public void EscapesLongStringsOutsideTheStackBuffer()
    {
        string value = string.Concat(Enumerable.Repeat("\u0000é😀", 400));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            NodeIpcJsonString.WriteStringValue(writer, value);
        }

        using System.Text.Json.JsonDocument parsed = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(value, parsed.RootElement.GetString());
    }

    [Fact]
    public void DefaultsAreNodeIpcs()
    {
        var config = new NodeIpcConfig();
        Assert.Equal("app.", config.AppSpace);
        Assert.Equal("/tmp/", config.SocketRoot);
        Assert.Equal(System.Net.Dns.GetHostName(), config.Id);
        Assert.Equal("127.0.0.1", config.NetworkHost);
        Assert.Equal(8000, config.NetworkPort);
        Assert.Equal("utf8", config.Encoding);
        Assert.Equal("\f", config.Delimiter);
        Assert.False(config.RawBuffer);
        Assert.False(config.Sync);
        Assert.Equal(100, config.MaxConnections);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Retry);
        Assert.Null(config.MaxRetries);
        Assert.False(config.StopRetrying);
        Assert.True(config.Unlink);
        Assert.Null(config.Tls);
        Assert.Equal("/tmp/app.world", config.SocketPathFor("world"));
    }

    [Theory]
    [InlineData("Delimiter")]
    [InlineData("MaxMessageSize")]
    [InlineData("MaxConnections")]
    [InlineData("Encoding")]
    [InlineData("MaxRetries")]
    [InlineData("Family")]
    public void ValidationNamesTheBadSetting(string setting)
    {
        var config = new NodeIpcConfig();
        switch (setting)
        {
            case "Delimiter": config.Delimiter = string.Empty; break;
            case "MaxMessageSize": config.MaxMessageSize = 0; break;
            case "MaxConnections": config.MaxConnections = 0; break;
            case "Encoding": config.Encoding = "utf32"; break;
            case "MaxRetries": config.MaxRetries = -1; break;
            case "Family": config.Interface.Family = 5; break;
        }

        ArgumentException error = Assert.Throws<ArgumentException>(() => new NodeIpcServer(config));
        Assert.Contains(setting, error.Message);
    }
}
