using System.IO.Pipes;
using System.Net;
using Devp2p.Transports.Internal;

namespace Devp2p.Transports;

/// <summary>Dials a <see cref="NamedPipeEndPoint"/> on the local machine. Stateless and safe to share.</summary>
public sealed class NamedPipeTransportDialer : ITransportDialer
{
    private readonly TransportOptions _options;

    /// <summary>Creates a dialer.</summary>
    /// <param name="options">Memory pool settings; <see cref="TransportOptions.Default"/> when null.</param>
    public NamedPipeTransportDialer(TransportOptions? options = null)
    {
        _options = options ?? TransportOptions.Default;
    }

    /// <inheritdoc/>
    public async ValueTask<TransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        if (endPoint is not NamedPipeEndPoint pipe)
        {
            throw new ArgumentException($"The named pipe dialer needs a NamedPipeEndPoint, not {endPoint?.GetType().Name ?? "null"}.", nameof(endPoint));
        }

        var client = new NamedPipeClientStream(".", pipe.PipeName, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new StreamConnection(client, _options, local: null, remote: pipe);
    }
}
