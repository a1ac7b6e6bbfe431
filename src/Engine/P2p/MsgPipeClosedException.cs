namespace Devp2p;

/// <summary>
/// Thrown by reads and writes on a <see cref="MsgPipe"/> end after either end was closed:
/// go-ethereum's <c>ErrPipeClosed</c>.
/// </summary>
public sealed class MsgPipeClosedException : IOException
{
    /// <summary>Creates the exception with go-ethereum's text.</summary>
    public MsgPipeClosedException()
        : base("p2p: read or write on closed message pipe")
    {
    }
}
