using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// The frame codec: go-ethereum's frame vector (layout and AES), round trips between codecs made
/// from both sides of a real handshake, tamper detection, size limits, misuse and allocations.
/// </summary>
public sealed partial class RlpxFrameCodecTests
{
    /// <summary>Seals one message with <paramref name="codec"/> into a new array of exactly the sealed length.</summary>
    internal static byte[] Seal(RlpxFrameCodec codec, ulong code, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(code, payload.Length))];
        Assert.Equal(frame.Length, codec.Seal(code, payload, frame));
        return frame;
    }

    /// <summary>Opens one whole frame (header, then body) and splits it into code and payload.</summary>
    internal static (ulong Code, byte[] Payload) Open(RlpxFrameCodec codec, Span<byte> frame)
    {
        int frameSize = codec.OpenHeader(frame[..RlpxFrameCodec.HeaderLength], out int bodyLength);
        Assert.Equal(frame.Length, RlpxFrameCodec.HeaderLength + bodyLength);
        Span<byte> frameData = codec.OpenBody(frame.Slice(RlpxFrameCodec.HeaderLength, bodyLength));
        Assert.Equal(frameSize, frameData.Length);
        ulong code = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
        return (code, frameData[payloadOffset..].ToArray());
    }

    /// <summary>A connected pair of codecs: <c>Initiator</c> seals what <c>Recipient</c> opens, and back.</summary>
    internal static (RlpxFrameCodec Initiator, RlpxFrameCodec Recipient) CreatePair()
    {
        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = RlpxHandshakeTests.RunWithRandomKeys();
        using (initiatorSecrets)
        using (recipientSecrets)
        {
            return (new RlpxFrameCodec(initiatorSecrets), new RlpxFrameCodec(recipientSecrets));
        }
    }
}
