using System.Net;

namespace Devp2p.Transports;

/// <summary>Opens outbound connections.</summary>
public interface ITransportDialer
{
    /// <summary>Connects to <paramref name="endPoint"/>. The caller owns the returned connection and must dispose it.</summary>
    /// <param name="endPoint">Where to connect; which endpoint types are accepted depends on the transport.</param>
    /// <param name="cancellationToken">Cancels the connect; a timeout is a token with a deadline.</param>
    /// <returns>The established connection.</returns>
    /// <exception cref="ArgumentException">The endpoint type is not supported by this dialer.</exception>
    /// <exception cref="IOException">The connection could not be established (pipe and in-memory transports).</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connection was refused, reset or unreachable (socket transports; its <c>SocketErrorCode</c> says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    ValueTask<TransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default);
}
