namespace Devp2p.Framing.Rlpx;

/// <summary>
/// One direction's frame MAC. The real one is <see cref="FrameMac"/>; the seam exists so the
/// go-ethereum frame vector, which replaces the MAC with a constant, can check layout and AES alone.
/// </summary>
internal interface IFrameMac : IDisposable
{
    /// <summary>Absorbs the 16-byte header ciphertext and writes the 16-byte header-mac.</summary>
    void UpdateHeader(ReadOnlySpan<byte> headerCiphertext, Span<byte> mac);

    /// <summary>Absorbs the frame ciphertext (padding included) and writes the 16-byte frame-mac.</summary>
    void UpdateBody(ReadOnlySpan<byte> frameCiphertext, Span<byte> mac);
}
