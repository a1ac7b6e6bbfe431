using System.Buffers;
using System.Text;
using Devp2p.Ipc.NodeIpc.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>The envelope reader against js-message's behaviour (JSON.parse, then type and data).</summary>
public sealed class NodeIpcEnvelopeReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void ReadsTypeAndDataInAnyOrderAcrossSegments(int segmentSize)
    {
        var reader = new NodeIpcEnvelopeReader();
        ReadOnlySequence<byte> message = Sequence("{\"data\":{\"a\":[1,\"x\"],\"id\":\"c1\"}, \"x\":3, \"type\":\"m\\u00e9\"}", segmentSize);

        NodeIpcEnvelope envelope = reader.Read(message, captureId: true, currentId: null);

        Assert.Equal(NodeIpcEnvelopeKind.Message, envelope.Kind);
        Assert.Equal("mé", reader.Type.ToString());
        Assert.True(envelope.HasData);
        Assert.Equal("{\"a\":[1,\"x\"],\"id\":\"c1\"}", Encoding.UTF8.GetString(envelope.Data));
        Assert.Equal("c1", envelope.Id);
    }

    [Theory]
    [InlineData("{\"type\":7,\"data\":3}", "7")]
    [InlineData("{\"type\":true}", "true")]
    [InlineData("{\"type\":\"a\",\"type\":\"b\"}", "b")]
    public void TakesNumbersAndBooleansAsTypeNamesAndTheLastDuplicate(string json, string type)
    {
        var reader = new NodeIpcEnvelopeReader();
        NodeIpcEnvelope envelope = reader.Read(Sequence(json, 2), captureId: false, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.Message, envelope.Kind);
        Assert.Equal(type, reader.Type.ToString());
    }

    [Theory]
    [InlineData("123")]
    [InlineData("[1,2]")]
    [InlineData("{\"data\":1}")]
    [InlineData("{\"type\":null,\"data\":1}")]
    [InlineData("{\"type\":{\"a\":1}}")]
    public void ValidJsonWithoutAUsableTypeIsIgnored(string json)
    {
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(Sequence(json, 1000), captureId: false, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.NoType, envelope.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"type\":\"m\"")]
    [InlineData("{\"type\":\"m\"}\r\n{\"type\":\"m\"}")]
    public void MalformedMessagesAreReportedNotThrown(string json)
    {
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(Sequence(json, 1000), captureId: false, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.Malformed, envelope.Kind);
        Assert.False(string.IsNullOrEmpty(envelope.Error));
    }

    [Theory]
    [InlineData("{\"type\":\"\\ud800\"}", false)]
    [InlineData("{\"type\":\"t\",\"data\":{\"id\":\"\\udc00\"}}", true)]
    public void LoneSurrogateEscapesAreReportedNotThrown(string json, bool captureId)
    {
        // JSON.stringify writes lone surrogates as \udxxx (so does our writer); System.Text.Json
        // cannot turn them into a .NET string and throws InvalidOperationException, not JsonException.
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(Sequence(json, 1000), captureId, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.Malformed, envelope.Kind);
        Assert.False(string.IsNullOrEmpty(envelope.Error));
    }

    [Fact]
    public void MessageWithoutDataHasNone()
    {
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(Sequence("{\"type\":\"m\"}", 1000), captureId: true, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.Message, envelope.Kind);
        Assert.False(envelope.HasData);
        Assert.Null(envelope.Id);
    }

    [Theory]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":\"\"}}", null)]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":0}}", null)]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":false}}", null)]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":null}}", null)]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":42}}", "42")]
    [InlineData("{\"type\":\"m\",\"data\":{\"id\":true}}", "true")]
    [InlineData("{\"type\":\"m\",\"data\":{\"x\":{\"id\":\"nested\"}}}", null)]
    [InlineData("{\"type\":\"m\",\"data\":\"id\"}", null)]
    public void CapturesOnlyATruthyTopLevelDataId(string json, string? id)
    {
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(Sequence(json, 3), captureId: true, currentId: null);
        Assert.Equal(NodeIpcEnvelopeKind.Message, envelope.Kind);
        Assert.Equal(id, envelope.Id);
    }

    [Fact]
    public void ClientSideDoesNotCaptureIds()
    {
        NodeIpcEnvelope envelope = new NodeIpcEnvelopeReader().Read(
            Sequence("{\"type\":\"m\",\"data\":{\"id\":\"c1\"}}", 1000), captureId: false, currentId: null);
        Assert.Null(envelope.Id);
        Assert.Equal("{\"id\":\"c1\"}", Encoding.UTF8.GetString(envelope.Data));
    }

    private static ReadOnlySequence<byte> Sequence(string json, int segmentSize) => TestSegment.Split(Encoding.UTF8.GetBytes(json), segmentSize);
}
