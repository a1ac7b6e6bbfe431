using Devp2p.Framing.Rlpx;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// Seal then open: the first input byte is the message code, the rest the payload. What the
/// receiver opens must be exactly what the sender sealed.
/// </summary>
internal sealed class FrameRoundTripTarget : IFuzzTarget
{
    public string Name => "rlpx-frame-roundtrip";

    public string Description => "RlpxFrameCodec.Seal then OpenHeader/OpenBody gives the message back";

    public void Run(ReadOnlySpan<byte> input)
    {
        ulong code = input.IsEmpty ? 0UL : input[0];
        ReadOnlySpan<byte> payload = input.IsEmpty ? default : input[1..];
        (RlpxFrameCodec sender, RlpxFrameCodec receiver) = FrameCodecPair.Create();
        using (sender)
        using (receiver)
        {
            byte[] frame = new byte[RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(code, payload.Length))];
            int sealedLength = sender.Seal(code, payload, frame);
            if (sealedLength != frame.Length)
            {
                throw new InvalidOperationException($"Seal wrote {sealedLength} bytes, GetSealedLength said {frame.Length}.");
            }

            _ = receiver.OpenHeader(frame.AsSpan(0, RlpxFrameCodec.HeaderLength), out int bodyLength);
            Span<byte> frameData = receiver.OpenBody(frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength));
            ulong openedCode = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
            if (openedCode != code || !frameData[payloadOffset..].SequenceEqual(payload))
            {
                throw new InvalidOperationException("The opened frame differs from the sealed message.");
            }
        }
    }

    public bool IsExpected(Exception exception) => false;
}
