using Devp2p.Framing.Rlpx;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// Opening hostile frames: the first 32 bytes as a header, then the declared body. Most inputs stop
/// at the header MAC, which is the point: nothing before the MAC check may misbehave either. The
/// corpus holds genuine sealed frames so mutations also hit the body path.
/// </summary>
internal sealed class FrameOpenTarget : IFuzzTarget
{
    public string Name => "rlpx-frame-open";

    public string Description => "RlpxFrameCodec.OpenHeader/OpenBody on arbitrary bytes";

    public void Run(ReadOnlySpan<byte> input)
    {
        (RlpxFrameCodec sender, RlpxFrameCodec receiver) = FrameCodecPair.Create();
        using (sender)
        using (receiver)
        {
            byte[] frame = input.ToArray();
            if (frame.Length < RlpxFrameCodec.HeaderLength)
            {
                return;
            }

            _ = receiver.OpenHeader(frame.AsSpan(0, RlpxFrameCodec.HeaderLength), out int bodyLength);
            if (frame.Length - RlpxFrameCodec.HeaderLength < bodyLength)
            {
                return;
            }

            Span<byte> frameData = receiver.OpenBody(frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength));
            _ = RlpxFrameCodec.ReadMessageCode(frameData, out _);
        }
    }

    public bool IsExpected(Exception exception) => exception is FrameException;
}
