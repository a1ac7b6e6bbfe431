namespace Devp2p;

/// <summary>Thrown by <see cref="Messaging.ExpectMsgAsync(IMsgReader, ulong, CancellationToken)"/> when the next message is not the one expected.</summary>
public sealed class UnexpectedMsgException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differed: the code, or the payload with both values in hex.</param>
    public UnexpectedMsgException(string message)
        : base(message)
    {
    }
}
