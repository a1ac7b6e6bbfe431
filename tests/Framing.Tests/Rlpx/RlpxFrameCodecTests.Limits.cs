using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Frame sizes above 2^24 - 1 (or the caller's limit) are refused on both sides; misuse is told apart from bad data.</summary>
public sealed partial class RlpxFrameCodecTests
{
    [Fact]
    public void OversizeFrame_IsRejectedOnSeal_AndLeavesTheEgressUsable()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            // msg-id 0 takes one byte, so this payload makes the frame data one byte too long.
            byte[] payload = new byte[RlpxFrameCodec.MaxFrameSize];
            byte[] destination = new byte[RlpxFrameCodec.MaxFrameSize + 100];

            FrameException ex = Assert.Throws<FrameException>(() => initiator.Seal(0, payload, destination));
            Assert.Equal("frame-size", ex.Field);
            Assert.Contains("16777216", ex.Message, StringComparison.Ordinal);
            Assert.Equal("frame-size", Assert.Throws<FrameException>(() => RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.MaxFrameSize + 1)).Field);
            Assert.Equal("frame-size", Assert.Throws<FrameException>(() => RlpxFrameCodec.GetFrameDataLength(0x100, RlpxFrameCodec.MaxFrameSize - 2)).Field);
            Assert.Throws<FrameException>(() => initiator.SealInPlace(RlpxFrameCodec.MaxFrameSize + 1, destination));

            // Nothing was consumed from the keystream or MAC: the next frame still opens.
            (ulong code, byte[] opened) = Open(recipient, Seal(initiator, 3, [1, 2, 3]));
            Assert.Equal(3ul, code);
            Assert.Equal([1, 2, 3], opened);
        }
    }

    [Fact]
    public void FrameAboveTheCallersLimit_IsRejectedAtTheHeader()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] frame = Seal(initiator, 1, new byte[999]);

            FrameException ex = Assert.Throws<FrameException>(
                () => recipient.OpenHeader(frame.AsSpan(0, RlpxFrameCodec.HeaderLength), 999, out _));

            Assert.Equal("frame-size", ex.Field);
            Assert.Contains("1000", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(RlpxFrameCodec.MaxFrameSize, 1000)]
    [InlineData(1001, 1000)]
    public void ForgedHeaderSize_IsRejected(int declaredSize, int limit)
    {
        // The fake MAC accepts any header, so the size check itself is what is tested here.
        byte[] aesSecret = new byte[32];
        aesSecret[0] = 7;
        using var opener = new RlpxFrameCodec(aesSecret, new FakeFrameMac(), new FakeFrameMac());
        using var keystream = new Devp2p.Crypto.AesCtr(aesSecret, new byte[16]);
        byte[] header = new byte[RlpxFrameCodec.HeaderLength];
        header[0] = (byte)(declaredSize >> 16);
        header[1] = (byte)(declaredSize >> 8);
        header[2] = (byte)declaredSize;
        keystream.Transform(header.AsSpan(0, 16));
        header.AsSpan(16).Fill(FakeFrameMac.MacByte);

        FrameException ex = Assert.Throws<FrameException>(() => opener.OpenHeader(header, limit, out _));
        Assert.Equal("frame-size", ex.Field);
    }

    [Fact]
    public void MalformedMessageCode_IsAFrameException()
    {
        byte[][] bad =
        [
            [],
            [0x00],                                               // zero must be 0x80
            [0x81, 0x05],                                         // non-canonical single byte
            [0xC0],                                               // a list
            [0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],                    // wider than 64 bits
            [0x82, 0x01],                                         // truncated
        ];
        foreach (byte[] frameData in bad)
        {
            FrameException ex = Assert.Throws<FrameException>(() => RlpxFrameCodec.ReadMessageCode(frameData, out _));
            Assert.Equal("msg-id", ex.Field);
        }

        Assert.Equal(0x80ul, RlpxFrameCodec.ReadMessageCode([0x81, 0x80, 0xAA], out int offset));
        Assert.Equal(2, offset);
    }

    [Fact]
    public void Misuse_IsReportedAsArgumentOrInvalidOperation()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] frame = Seal(initiator, 1, new byte[40]);

            Assert.Throws<ArgumentException>(() => initiator.Seal(1, new byte[40], new byte[frame.Length - 1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => initiator.SealInPlace(0, new byte[100]));
            Assert.Throws<ArgumentOutOfRangeException>(() => RlpxFrameCodec.GetSealedLength(0));
            Assert.Throws<InvalidOperationException>(() => recipient.OpenBody(new byte[64]));
            Assert.Throws<ArgumentException>(() => recipient.OpenHeader(new byte[31], out _));

            recipient.OpenHeader(frame.AsSpan(0, RlpxFrameCodec.HeaderLength), out int bodyLength);
            Assert.Throws<InvalidOperationException>(() => recipient.OpenHeader(new byte[32], out _));
            Assert.Throws<ArgumentException>(() => recipient.OpenBody(frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength - 1)));
            Span<byte> frameData = recipient.OpenBody(frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength));
            Assert.Equal(41, frameData.Length);

            initiator.Dispose();
            Assert.Throws<ObjectDisposedException>(() => initiator.Seal(1, new byte[40], new byte[frame.Length]));
        }
    }
}
