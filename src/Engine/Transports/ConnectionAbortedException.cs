namespace Devp2p.Transports;

/// <summary>The connection was aborted locally (<see cref="TransportConnection.Abort"/> without a reason).</summary>
public sealed class ConnectionAbortedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ConnectionAbortedException()
        : base("The connection was aborted locally.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public ConnectionAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The error that caused the abort.</param>
    public ConnectionAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
