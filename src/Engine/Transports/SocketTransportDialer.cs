using System.Net;
using System.Net.Sockets;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Transports;

/// <summary>
/// Dials TCP (<see cref="IPEndPoint"/>, IPv4 or IPv6) and Unix domain sockets
/// (<see cref="UnixDomainSocketEndPoint"/>). Stateless and safe to share.
/// </summary>
public sealed class SocketTransportDialer : ITransportDialer
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a dialer.</summary>
    /// <param name="options">Pipe and socket settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives connection diagnostics; nothing is logged when null.</param>
    public SocketTransportDialer(TransportOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? TransportOptions.Default;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public async ValueTask<TransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Socket socket = SocketFactory.Create(endPoint, _options);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new SocketConnection(socket, _options, _logger);
        connection.Start();
        return connection;
    }
}
