using Devp2p.Enode;

namespace Devp2p;

/// <summary>
/// Candidates for dynamic dials (go-ethereum's <c>enode.Iterator</c> fed to the dial scheduler):
/// discovery plugs in here. The server reads the next candidate only while it has a free dial
/// slot, and dials those that pass its checks until <see cref="ServerConfig.MaxPeers"/> /
/// <see cref="ServerConfig.DialRatio"/> dialled peers are connected.
/// </summary>
public interface INodeSource
{
    /// <summary>
    /// Yields candidate nodes, possibly forever. The server enumerates once, from its start until it
    /// stops; when <paramref name="cancellationToken"/> fires the enumeration must end promptly.
    /// </summary>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>The candidates; repeated nodes are fine (recently dialled ones are skipped).</returns>
    IAsyncEnumerable<EnodeUrl> GetNodesAsync(CancellationToken cancellationToken);
}
