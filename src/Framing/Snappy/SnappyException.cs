namespace Devp2p.Framing.Snappy;

/// <summary>
/// The snappy layer's one error for malformed compressed input: a bad length preamble, an element
/// that runs past the input or the declared output, a copy whose offset is zero or reaches before
/// the start of the output, or output that ends short of the declared length.
/// </summary>
/// <remarks>
/// Misuse of the API (a destination too small, overlapping buffers) is reported with
/// <see cref="ArgumentException"/> instead, so a caller can tell a hostile peer from its own bug.
/// It derives from <see cref="Exception"/> directly, as the other Framing layer errors do.
/// </remarks>
public sealed class SnappyException : Exception
{
    /// <summary>Creates the exception for a fault found at <paramref name="offset"/>.</summary>
    /// <param name="message">What is wrong, naming the field and the values involved.</param>
    /// <param name="offset">The byte offset in the compressed input where the fault was found.</param>
    public SnappyException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>The byte offset in the compressed input of the element (or preamble) at fault.</summary>
    public int Offset { get; }
}
