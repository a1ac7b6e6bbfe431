namespace Devp2p;

/// <summary>
/// Thrown by <see cref="Server.SetupConnAsync"/> when the server closed the connection before the
/// RLPx handshake (no crypto was spent and no Disconnect was sent); <see cref="Rejection"/> says why.
/// Refusals after the handshake are <see cref="PeerDisconnectedException"/>s with a <see cref="DiscReason"/>.
/// </summary>
public sealed class ConnectionRejectedException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="rejection">Why the connection was closed.</param>
    /// <param name="message">A message naming the address or limit involved.</param>
    public ConnectionRejectedException(ConnectionRejection rejection, string message)
        : base(message)
    {
        Rejection = rejection;
    }

    /// <summary>Why the connection was closed.</summary>
    public ConnectionRejection Rejection { get; }
}
