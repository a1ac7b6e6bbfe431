using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Sealing and opening a frame must not touch the heap (DESIGN.md: zero allocations per message).</summary>
public sealed partial class RlpxFrameCodecTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(64 * 1024)]
    public void SealAndOpen_AllocateNothing(int payloadLength)
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] payload = new byte[payloadLength];
            new Random(3).NextBytes(payload);
            byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(payloadLength + 1)];

            // Warm up so tiering and first-call initialisation are not counted.
            ulong checksum = 0;
            for (int i = 0; i < 20; i++)
            {
                checksum += SealAndOpen(initiator, recipient, payload, frame);
                checksum += SealInPlaceAndOpen(recipient, initiator, payload, frame);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 40; i++)
            {
                checksum += SealAndOpen(initiator, recipient, payload, frame);
                checksum += SealInPlaceAndOpen(recipient, initiator, payload, frame);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(0, allocated);
            Assert.Equal(120ul * (ulong)payloadLength, checksum);
        }
    }

    /// <summary>One frame through Seal, OpenHeader, OpenBody and ReadMessageCode; returns the payload length seen.</summary>
    private static ulong SealAndOpen(RlpxFrameCodec sender, RlpxFrameCodec receiver, byte[] payload, byte[] frame) =>
        OpenCounting(receiver, frame.AsSpan(0, sender.Seal(0x10, payload, frame)));

    /// <summary>One frame written in place (WriteMessageCode, copy, SealInPlace), then opened.</summary>
    private static ulong SealInPlaceAndOpen(RlpxFrameCodec sender, RlpxFrameCodec receiver, byte[] payload, byte[] frame)
    {
        int codeLength = RlpxFrameCodec.WriteMessageCode(0x10, frame.AsSpan(RlpxFrameCodec.FrameDataOffset));
        payload.CopyTo(frame.AsSpan(RlpxFrameCodec.FrameDataOffset + codeLength));
        return OpenCounting(receiver, frame.AsSpan(0, sender.SealInPlace(codeLength + payload.Length, frame)));
    }

    private static ulong OpenCounting(RlpxFrameCodec receiver, Span<byte> sealedFrame)
    {
        receiver.OpenHeader(sealedFrame[..RlpxFrameCodec.HeaderLength], out int bodyLength);
        Span<byte> frameData = receiver.OpenBody(sealedFrame.Slice(RlpxFrameCodec.HeaderLength, bodyLength));
        RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
        return (ulong)(frameData.Length - payloadOffset);
    }
}
