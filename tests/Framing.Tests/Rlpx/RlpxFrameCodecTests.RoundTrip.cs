using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Frames sealed by one side of a real handshake open on the other, in both directions.</summary>
public sealed partial class RlpxFrameCodecTests
{
    private const int RoundTripFrames = 10_000;
    private const int MaxRoundTripPayload = 70_000;

    [Fact]
    public void TenThousandFramesEachWay_RoundTrip()
    {
        // Sizes are 70,001^(u^4) - 1 for uniform u: every magnitude from 0 to 70,000 is covered
        // (about 470 frames above 10 KB and 15 above 64 KiB per direction, most below 100 bytes),
        // while the total stays near 16 MB per direction, so the test takes about a second even
        // against a Debug build of the Keccak. The padding edges come first.
        int[] edges = [0, 1, 14, 15, 16, 17, 31, 32, 33, 65_535, 65_536, MaxRoundTripPayload];
        var random = new Random(1234);
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] source = new byte[MaxRoundTripPayload];
            random.NextBytes(source);
            byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(MaxRoundTripPayload + 9)];
            long bytes = 0;
            for (int i = 0; i < RoundTripFrames; i++)
            {
                int size = i < edges.Length ? edges[i] : (int)Math.Pow(MaxRoundTripPayload + 1, Math.Pow(random.NextDouble(), 4)) - 1;
                bytes += size;
                int offset = random.Next(0, MaxRoundTripPayload - size + 1);
                ReadOnlySpan<byte> payload = source.AsSpan(offset, size);
                ulong code = (i % 7) switch
                {
                    0 => 0,
                    1 => (ulong)random.Next(0x80, 0x10000),
                    2 => ulong.MaxValue - (ulong)i,
                    _ => (ulong)random.Next(0, 0x80),
                };

                AssertRoundTrip(initiator, recipient, code, payload, frame);
                AssertRoundTrip(recipient, initiator, code, payload, frame);
            }

            Assert.InRange(bytes, 5_000_000, 40_000_000);
        }
    }

    [Fact]
    public void LargestFrame_RoundTrips()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] payload = new byte[RlpxFrameCodec.MaxFrameSize - 1];
            new Random(5).NextBytes(payload);
            byte[] frame = Seal(initiator, 0x10, payload);
            Assert.Equal(RlpxFrameCodec.HeaderLength + (1 << 24) + RlpxFrameCodec.MacLength, frame.Length);

            (ulong code, byte[] opened) = Open(recipient, frame);

            Assert.Equal(0x10ul, code);
            Assert.True(payload.AsSpan().SequenceEqual(opened));
        }
    }

    [Fact]
    public void PayloadAlreadyInTheDestination_IsSealedCorrectly()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] payload = new byte[300];
            new Random(9).NextBytes(payload);
            byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(302)];

            // The caller wrote the payload where the frame data will go; the code is written in front.
            payload.CopyTo(frame, RlpxFrameCodec.FrameDataOffset);
            initiator.Seal(0x80, frame.AsSpan(RlpxFrameCodec.FrameDataOffset, payload.Length), frame);

            (ulong code, byte[] opened) = Open(recipient, frame);
            Assert.Equal(0x80ul, code);
            Assert.Equal(payload, opened);
        }
    }

    [Fact]
    public void SealInPlace_WithWriteMessageCode_RoundTrips()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] payload = "hello, devp2p"u8.ToArray();
            byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(0x1234, payload.Length))];
            int codeLength = RlpxFrameCodec.WriteMessageCode(0x1234, frame.AsSpan(RlpxFrameCodec.FrameDataOffset));
            payload.CopyTo(frame, RlpxFrameCodec.FrameDataOffset + codeLength);

            int written = initiator.SealInPlace(codeLength + payload.Length, frame);

            Assert.Equal(frame.Length, written);
            (ulong code, byte[] opened) = Open(recipient, frame);
            Assert.Equal(0x1234ul, code);
            Assert.Equal(payload, opened);
        }
    }

    private static void AssertRoundTrip(RlpxFrameCodec sender, RlpxFrameCodec receiver, ulong code, ReadOnlySpan<byte> payload, byte[] buffer)
    {
        int written = sender.Seal(code, payload, buffer);
        Assert.Equal(RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(code, payload.Length)), written);
        Span<byte> frame = buffer.AsSpan(0, written);
        int frameSize = receiver.OpenHeader(frame[..RlpxFrameCodec.HeaderLength], out int bodyLength);
        Span<byte> frameData = receiver.OpenBody(frame.Slice(RlpxFrameCodec.HeaderLength, bodyLength));
        Assert.Equal(frameSize, frameData.Length);
        ulong openedCode = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
        if (openedCode != code || !frameData[payloadOffset..].SequenceEqual(payload))
        {
            Assert.Fail($"frame of code {code} and {payload.Length} payload bytes did not round-trip (got code {openedCode}).");
        }
    }
}
