namespace Devp2p.Transports;

/// <summary>The peer reset the connection (TCP RST, a broken pipe, or an aborted in-memory peer).</summary>
public sealed class ConnectionResetException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionResetException()
        : base("The connection was reset by the peer.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public ConnectionResetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The transport error that reported the reset.</param>
    public ConnectionResetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
