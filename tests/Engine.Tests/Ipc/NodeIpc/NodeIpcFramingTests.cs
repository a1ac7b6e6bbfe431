using System.Buffers;
using System.Text;
using Devp2p.Ipc.NodeIpc.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Delimiter framing over sequences of every segmentation, without sockets.</summary>
public sealed class NodeIpcFramingTests
{
    private static readonly byte[] s_formFeed = "\f"u8.ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void SplitsMergedMessagesAtEverySegmentation(int segmentSize)
    {
        string[] messages = ["{\"type\":\"a\",\"data\":1}", "{\"type\":\"b\",\"data\":\"é€😀\"}", string.Empty, "{\"type\":\"c\"}"];
        byte[] wire = Encoding.UTF8.GetBytes(string.Concat(messages.Select(m => m + "\f")) + "{\"type\":\"partial");
        ReadOnlySequence<byte> buffer = TestSegment.Split(wire, segmentSize);

        var found = new List<string>();
        long scanned = 0;
        while (NodeIpcFraming.TryReadMessage(ref buffer, s_formFeed, ref scanned, out ReadOnlySequence<byte> message))
        {
            found.Add(Encoding.UTF8.GetString(message));
        }

        Assert.Equal(messages, found);
        Assert.Equal("{\"type\":\"partial", Encoding.UTF8.GetString(buffer));
        Assert.Equal(buffer.Length, scanned);
    }

    [Fact]
    public void FindsAMessageThatArrivesOneByteAtATime()
    {
        // Simulates the receive loop: the buffer grows by one byte per read and is never consumed
        // until a delimiter arrives; the scan offset must not skip the delimiter.
        byte[] wire = "{\"type\":\"m\",\"data\":\"x\"}\f"u8.ToArray();
        long scanned = 0;
        for (int length = 1; length <= wire.Length; length++)
        {
            ReadOnlySequence<byte> buffer = TestSegment.Split(wire[..length], 1);
            bool complete = NodeIpcFraming.TryReadMessage(ref buffer, s_formFeed, ref scanned, out ReadOnlySequence<byte> message);
            Assert.Equal(length == wire.Length, complete);
            if (complete)
            {
                Assert.Equal("{\"type\":\"m\",\"data\":\"x\"}", Encoding.UTF8.GetString(message));
                Assert.True(buffer.IsEmpty);
                Assert.Equal(0, scanned);
            }
        }
    }

    [Fact]
    public void FindsAMultiByteDelimiterThatStraddlesTheScannedPart()
    {
        byte[] delimiter = "<END>"u8.ToArray();
        byte[] wire = "{\"type\":\"m\"}<END>"u8.ToArray();
        long scanned = 0;

        // First read ends inside the delimiter ("<EN"); the second completes it.
        ReadOnlySequence<byte> partial = TestSegment.Split(wire[..^2], 2);
        Assert.False(NodeIpcFraming.TryReadMessage(ref partial, delimiter, ref scanned, out _));
        Assert.Equal(wire.Length - 2, scanned);

        ReadOnlySequence<byte> whole = TestSegment.Split(wire, 2);
        Assert.True(NodeIpcFraming.TryReadMessage(ref whole, delimiter, ref scanned, out ReadOnlySequence<byte> message));
        Assert.Equal("{\"type\":\"m\"}", Encoding.UTF8.GetString(message));
        Assert.True(whole.IsEmpty);
    }
}
