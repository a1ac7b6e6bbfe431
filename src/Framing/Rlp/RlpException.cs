namespace Devp2p.Framing.Rlp;

/// <summary>
/// Malformed or non-canonical RLP, or RLP of the wrong shape for what was being read. The message
/// names the rule that was broken, the offset of the offending item and, where one applies, the
/// value and the limit; <see cref="Error"/> and <see cref="Offset"/> carry the same facts for code.
/// </summary>
/// <remarks>
/// This is the only exception the reader throws for bad input, so a caller that decodes bytes from
/// a peer can catch it alone and turn it into a disconnect.
/// </remarks>
public sealed class RlpException : Exception
{
    /// <summary>Creates an exception for a value a decoder rejects (<see cref="RlpError.InvalidValue"/>, no offset).</summary>
    /// <param name="message">What was wrong, naming the field.</param>
    public RlpException(string message)
        : this(RlpError.InvalidValue, -1, message)
    {
    }

    /// <summary>Creates an exception that names the broken rule and where the offending item starts.</summary>
    /// <param name="error">The rule that was broken.</param>
    /// <param name="offset">
    /// The offset of the offending item from the start of the outermost input, or -1 when unknown.
    /// </param>
    /// <param name="message">What was wrong; it should include the offset.</param>
    public RlpException(RlpError error, int offset, string message)
        : base(message)
    {
        Error = error;
        Offset = offset;
    }

    /// <summary>Which rule the input broke.</summary>
    public RlpError Error { get; }

    /// <summary>
    /// The offset of the offending item from the start of the outermost input given to the reader,
    /// or -1 when the exception was raised without one.
    /// </summary>
    public int Offset { get; }
}
