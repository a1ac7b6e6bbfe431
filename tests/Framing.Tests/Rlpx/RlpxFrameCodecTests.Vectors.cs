using System.Text.Json;
using Devp2p.Framing.Rlpx;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// go-ethereum's TestFrameReadWrite vector (tests/vectors/rlpx-frames.json). Its MAC is a constant
/// fake, so this checks the header layout, padding and AES-256-CTR keystream only; the real MAC is
/// covered by the round-trip and tamper tests and by the handshake MAC vectors.
/// </summary>
public sealed partial class RlpxFrameCodecTests
{
    [Fact]
    public void FakeMacVector_SealsToTheVectorFrame()
    {
        JsonElement vector = LoadFrameVector();
        using RlpxFrameCodec codec = CreateFakeMacCodec(vector, out FakeFrameMac egress, out _);
        ulong code = vector.GetProperty("messageCode").GetUInt64();
        byte[] payload = HandshakeVectors.Hex(vector, "messagePayload");

        byte[] frame = Seal(codec, code, payload);

        Assert.Equal(vector.GetProperty("frame").GetString(), TestVectors.ToHex(frame));
        JsonElement parts = vector.GetProperty("frameParts");
        Assert.Equal(parts.GetProperty("headerCiphertext").GetString(), TestVectors.ToHex(frame.AsSpan(0, 16)));
        Assert.Equal(parts.GetProperty("frameCiphertext").GetString(), TestVectors.ToHex(frame.AsSpan(32, 16)));
        Assert.Equal(1, egress.HeaderUpdates);
        Assert.Equal(1, egress.BodyUpdates);
    }

    [Fact]
    public void FakeMacVector_SealInPlaceGivesTheSameFrame()
    {
        JsonElement vector = LoadFrameVector();
        using RlpxFrameCodec codec = CreateFakeMacCodec(vector, out _, out _);
        byte[] frameData = HandshakeVectors.Hex(vector, "frameData");
        byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(frameData.Length) + 10];
        frame.AsSpan().Fill(0xEE);
        frameData.CopyTo(frame, RlpxFrameCodec.FrameDataOffset);

        int written = codec.SealInPlace(frameData.Length, frame);

        Assert.Equal(vector.GetProperty("frame").GetString(), TestVectors.ToHex(frame.AsSpan(0, written)));
        Assert.All(frame[written..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void FakeMacVector_OpensToTheVectorMessage()
    {
        JsonElement vector = LoadFrameVector();
        using RlpxFrameCodec codec = CreateFakeMacCodec(vector, out _, out FakeFrameMac ingress);
        byte[] frame = HandshakeVectors.Hex(vector, "frame");
        JsonElement expected = vector.GetProperty("expectedReadResult");
        JsonElement derived = vector.GetProperty("derived");

        int frameSize = codec.OpenHeader(frame.AsSpan(0, RlpxFrameCodec.HeaderLength), out int bodyLength);
        Assert.Equal(derived.GetProperty("headerPlaintext").GetString(), TestVectors.ToHex(frame.AsSpan(0, 16)));
        Span<byte> frameData = codec.OpenBody(frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength));
        Assert.Equal(derived.GetProperty("frameBodyPlaintext").GetString(), TestVectors.ToHex(frame.AsSpan(32, 16)));
        ulong code = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);

        Assert.Equal(6, frameSize);
        Assert.Equal(expected.GetProperty("frameContent").GetString(), TestVectors.ToHex(frameData));
        Assert.Equal(expected.GetProperty("messageCode").GetUInt64(), code);
        Assert.Equal(expected.GetProperty("payload").GetString(), TestVectors.ToHex(frameData[payloadOffset..]));
        Assert.Equal(1, ingress.HeaderUpdates);
        Assert.Equal(1, ingress.BodyUpdates);
    }

    private static JsonElement LoadFrameVector()
    {
        using JsonDocument document = TestVectors.Load("rlpx-frames.json");
        return document.RootElement.GetProperty("cases")[0].Clone();
    }

    private static RlpxFrameCodec CreateFakeMacCodec(JsonElement vector, out FakeFrameMac egress, out FakeFrameMac ingress)
    {
        egress = new FakeFrameMac();
        ingress = new FakeFrameMac();
        return new RlpxFrameCodec(HandshakeVectors.Hex(vector, "aesSecret"), egress, ingress);
    }
}
