using Devp2p.Enode;
using Devp2p.Transports;

namespace Devp2p;

/// <summary>
/// Opens the transport to a node the server wants to dial (go-ethereum's <c>NodeDialer</c>).
/// The default is <see cref="TcpNodeDialer"/>; tests and embedders plug in others (in-memory pipes,
/// Unix sockets, a proxy).
/// </summary>
public interface INodeDialer
{
    /// <summary>Connects to <paramref name="node"/>. The caller owns the returned connection.</summary>
    /// <param name="node">The node to reach; its key is used afterwards for the RLPx handshake.</param>
    /// <param name="cancellationToken">Cancels the connect; the server passes one that fires after <see cref="ServerConfig.DialTimeout"/>.</param>
    /// <returns>An established connection on which nothing has been read or written.</returns>
    /// <exception cref="ArgumentException">The node has no usable address.</exception>
    /// <exception cref="IOException">The connection could not be established.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    ValueTask<TransportConnection> DialAsync(EnodeUrl node, CancellationToken cancellationToken);
}
