using Devp2p.Framing.Rlpx;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// go-ethereum's fake MAC from TestFrameReadWrite: ignores its input and whose digest is always 32
/// bytes of 0x01, so every header-mac and frame-mac is sixteen 0x01 bytes.
/// </summary>
internal sealed class FakeFrameMac : IFrameMac
{
    public const byte MacByte = 0x01;

    public int HeaderUpdates { get; private set; }

    public int BodyUpdates { get; private set; }

    public void UpdateHeader(ReadOnlySpan<byte> headerCiphertext, Span<byte> mac)
    {
        HeaderUpdates++;
        mac[..RlpxFrameCodec.MacLength].Fill(MacByte);
    }

    public void UpdateBody(ReadOnlySpan<byte> frameCiphertext, Span<byte> mac)
    {
        BodyUpdates++;
        mac[..RlpxFrameCodec.MacLength].Fill(MacByte);
    }

    public void Dispose()
    {
    }
}
