using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// A single flipped bit anywhere in a sealed frame (header, header-mac, body, padding, frame-mac) is
/// caught by a MAC and reported as <see cref="FrameException"/>, never as any other exception.
/// </summary>
public sealed partial class RlpxFrameCodecTests
{
    private const int SampledBitsPerFrame = 160;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(4096)]
    public void FlippedBit_InTheFirstFrame_IsDetected(int payloadLength)
    {
        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = RlpxHandshakeTests.RunWithRandomKeys();
        using (initiatorSecrets)
        using (recipientSecrets)
        {
            byte[] payload = new byte[payloadLength];
            new Random(payloadLength).NextBytes(payload);
            byte[] frame;
            using (var sender = new RlpxFrameCodec(initiatorSecrets))
            {
                frame = Seal(sender, 0x11, payload);
            }

            foreach (int bit in BitsToFlip(frame.Length, new Random(payloadLength + 1)))
            {
                byte[] tampered = (byte[])frame.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                using var receiver = new RlpxFrameCodec(recipientSecrets);
                FrameException ex = Assert.Throws<FrameException>(() => Open(receiver, tampered));
                Assert.Equal(bit / 8 < RlpxFrameCodec.HeaderLength ? "header-mac" : "frame-mac", ex.Field);
            }

            // Control: the untouched frame opens, so the failures above are the flips' doing.
            using var control = new RlpxFrameCodec(recipientSecrets);
            (ulong code, byte[] opened) = Open(control, frame);
            Assert.Equal(0x11ul, code);
            Assert.Equal(payload, opened);
        }
    }

    [Fact]
    public void FlippedBit_InALaterFrame_IsDetected()
    {
        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = RlpxHandshakeTests.RunWithRandomKeys();
        using (initiatorSecrets)
        using (recipientSecrets)
        {
            var random = new Random(42);
            byte[][] frames = new byte[3][];
            using (var sender = new RlpxFrameCodec(initiatorSecrets))
            {
                for (int i = 0; i < frames.Length; i++)
                {
                    byte[] payload = new byte[random.Next(0, 3000)];
                    random.NextBytes(payload);
                    frames[i] = Seal(sender, (ulong)i, payload);
                }
            }

            foreach (int bit in BitsToFlip(frames[2].Length, random))
            {
                byte[] tampered = (byte[])frames[2].Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                using var receiver = new RlpxFrameCodec(recipientSecrets);
                Open(receiver, (byte[])frames[0].Clone());
                Open(receiver, (byte[])frames[1].Clone());
                Assert.Throws<FrameException>(() => Open(receiver, tampered));
            }
        }
    }

    [Fact]
    public void FramesFromAnotherConnection_AreRejected()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        (RlpxFrameCodec stranger, RlpxFrameCodec strangersPeer) = CreatePair();
        using (initiator)
        using (recipient)
        using (stranger)
        using (strangersPeer)
        {
            byte[] frame = Seal(stranger, 1, new byte[50]);
            FrameException ex = Assert.Throws<FrameException>(() => Open(recipient, frame));
            Assert.Equal("header-mac", ex.Field);
        }
    }

    [Fact]
    public void ReplayedFrame_IsRejected()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] frame = Seal(initiator, 1, new byte[50]);
            Open(recipient, (byte[])frame.Clone());
            Assert.Throws<FrameException>(() => Open(recipient, frame));
        }
    }

    [Fact]
    public void AfterARejectedFrame_FurtherOpensAreRefused()
    {
        (RlpxFrameCodec initiator, RlpxFrameCodec recipient) = CreatePair();
        using (initiator)
        using (recipient)
        {
            byte[] frame = Seal(initiator, 1, new byte[50]);
            byte[] good = (byte[])frame.Clone();
            frame[40] ^= 1;
            Assert.Throws<FrameException>(() => Open(recipient, frame));
            Assert.Throws<InvalidOperationException>(() => Open(recipient, good));
        }
    }

    /// <summary>
    /// Every bit of small frames; for larger ones every bit of both MACs and of the header, plus a
    /// random sample of the body (its first and last bytes included).
    /// </summary>
    private static IEnumerable<int> BitsToFlip(int frameLength, Random random)
    {
        int totalBits = frameLength * 8;
        if (totalBits <= 2 * SampledBitsPerFrame * 4)
        {
            return Enumerable.Range(0, totalBits);
        }

        var bits = new SortedSet<int>();
        for (int bit = 0; bit < RlpxFrameCodec.HeaderLength * 8; bit++)
        {
            bits.Add(bit);
        }

        for (int bit = totalBits - (RlpxFrameCodec.MacLength * 8); bit < totalBits; bit++)
        {
            bits.Add(bit);
        }

        int bodyStart = RlpxFrameCodec.HeaderLength * 8;
        int bodyEnd = totalBits - (RlpxFrameCodec.MacLength * 8);
        bits.Add(bodyStart);
        bits.Add(bodyEnd - 1);
        while (bits.Count < (RlpxFrameCodec.HeaderLength + RlpxFrameCodec.MacLength) * 8 + SampledBitsPerFrame)
        {
            bits.Add(random.Next(bodyStart, bodyEnd));
        }

        return bits;
    }
}
