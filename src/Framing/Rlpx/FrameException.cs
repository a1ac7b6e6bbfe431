namespace Devp2p.Framing.Rlpx;

/// <summary>
/// An RLPx frame was rejected: its header MAC or frame MAC does not match (the bytes were altered,
/// or the two sides disagree on the secrets), its declared size is above the limit, or its frame
/// data does not start with an RLP message code. Also thrown when sealing a message whose frame
/// data would not fit the 24-bit size field. <see cref="Field"/> names the part at fault.
/// </summary>
/// <remarks>
/// After a <see cref="FrameException"/> from an open call the ingress MAC and keystream no longer
/// match the peer's, so the codec refuses further opens; the connection must be dropped.
/// Misuse of the API (a span of the wrong length, calls out of order) is reported with
/// <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> instead.
/// </remarks>
public sealed class FrameException : Exception
{
    /// <summary>Creates the exception for a fault in <paramref name="field"/>.</summary>
    /// <param name="field">The frame field at fault, in rlpx.md's terms (<c>header-mac</c>, <c>frame-mac</c>, <c>frame-size</c>, <c>msg-id</c>).</param>
    /// <param name="message">What is wrong, naming the field, the value and the limit.</param>
    public FrameException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>Creates the exception for a fault in <paramref name="field"/> detected by a lower layer.</summary>
    /// <param name="field">The frame field at fault.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The RLP error that revealed it.</param>
    public FrameException(string field, string message, Exception innerException)
        : base(message, innerException)
    {
        Field = field;
    }

    /// <summary>The frame field at fault, named as rlpx.md names it.</summary>
    public string Field { get; }
}
