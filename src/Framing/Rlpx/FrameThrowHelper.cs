using System.Diagnostics.CodeAnalysis;

namespace Devp2p.Framing.Rlpx;

/// <summary>Throw sites of the frame codec, kept out of the seal and open paths.</summary>
internal static class FrameThrowHelper
{
    [DoesNotReturn]
    public static void ThrowHeaderMacMismatch() =>
        throw new FrameException(
            "header-mac",
            "RLPx header-mac does not match: the header was altered in transit or the peers disagree on the secrets.");

    [DoesNotReturn]
    public static void ThrowFrameMacMismatch(int frameSize) =>
        throw new FrameException(
            "frame-mac",
            $"RLPx frame-mac of a {frameSize}-byte frame does not match: the frame was altered in transit or the peers disagree on the secrets.");

    [DoesNotReturn]
    public static void ThrowFrameTooLarge(long frameSize, int limit) =>
        throw new FrameException(
            "frame-size",
            $"RLPx frame-size {frameSize} exceeds the limit of {limit} bytes (the 24-bit size field allows {RlpxFrameCodec.MaxFrameSize}).");

    [DoesNotReturn]
    public static void ThrowEmptyFrame() =>
        throw new FrameException("frame-size", "RLPx frame-size is 0; frame data must hold at least the 1-byte RLP msg-id.");

    public static FrameException MalformedMessageCode(Exception inner) =>
        new("msg-id", $"RLPx frame data does not start with an RLP integer msg-id: {inner.Message}", inner);

    [DoesNotReturn]
    public static void ThrowDestinationTooShort(int needed, int actual) =>
        throw new ArgumentException($"The destination must hold {needed} bytes for the sealed frame; it holds {actual}.", "destination");

    [DoesNotReturn]
    public static void ThrowHeaderLength(int actual) =>
        throw new ArgumentException($"An RLPx frame header is {RlpxFrameCodec.HeaderLength} bytes (16 header ciphertext, 16 header-mac); got {actual}.", "header");

    [DoesNotReturn]
    public static void ThrowBodyLength(int expected, int actual) =>
        throw new ArgumentException(
            $"The frame body announced by the last header is {expected} bytes (padded frame data and 16-byte frame-mac); got {actual}.", "body");

    [DoesNotReturn]
    public static void ThrowNoPendingHeader() =>
        throw new InvalidOperationException("OpenBody needs a header: call OpenHeader first, once per frame.");

    [DoesNotReturn]
    public static void ThrowHeaderPending() =>
        throw new InvalidOperationException("OpenHeader was called twice: the body of the previous frame has not been opened.");

    [DoesNotReturn]
    public static void ThrowIngressFailed() =>
        throw new InvalidOperationException(
            "A frame was rejected earlier, so the ingress MAC and keystream no longer match the peer's; the connection must be closed.");
}
