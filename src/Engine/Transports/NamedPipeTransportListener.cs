using System.IO.Pipes;
using System.Net;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Devp2p.Transports;

/// <summary>
/// Accepts connections on a named pipe, one server instance per accepted client. Restricted to the
/// current user (<see cref="PipeOptions.CurrentUserOnly"/>), matching the 0600 Unix socket file.
/// </summary>
public sealed class NamedPipeTransportListener : ITransportListener
{
    private readonly NamedPipeEndPoint _endPoint;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _unbound = new();
    private bool _bound;
    private int _disposed;

    /// <summary>Creates a listener; nothing is accepted until <see cref="BindAsync"/>.</summary>
    /// <param name="endPoint">The pipe to serve.</param>
    /// <param name="options">Memory pool settings; <see cref="TransportOptions.Default"/> when null.</param>
    /// <param name="logger">Receives diagnostics; nothing is logged when null.</param>
    public NamedPipeTransportListener(NamedPipeEndPoint endPoint, TransportOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _endPoint = endPoint;
        _options = options ?? TransportOptions.Default;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public EndPoint EndPoint => _endPoint;

    /// <inheritdoc/>
    public ValueTask BindAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_bound || _unbound.IsCancellationRequested)
        {
            throw new InvalidOperationException("The listener is already bound or was unbound; a listener binds once.");
        }

        // Named pipes have no separate bind step: each AcceptAsync creates the server instance.
        _bound = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<TransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        if (!_bound)
        {
            throw new InvalidOperationException("Call BindAsync before AcceptAsync.");
        }

        if (_unbound.IsCancellationRequested)
        {
            return null;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
        var server = new NamedPipeServerStream(
            _endPoint.PipeName,
            PipeDirection.InOut,
            NamedPipeServerStream.MaxAllowedServerInstances,
            PipeTransmissionMode.Byte,
            PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        try
        {
            await server.WaitForConnectionAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_unbound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _logger.LogDebug("Accepted a connection on {EndPoint}.", _endPoint);
        return new StreamConnection(server, _options, local: _endPoint, remote: null);
    }

    /// <inheritdoc/>
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _unbound.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Unbinds the listener. Connections it accepted are not affected.</summary>
    /// <returns>A task that completes when the listener is unbound.</returns>
    public async ValueTask DisposeAsync()
    {
        await UnbindAsync(CancellationToken.None).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unbound.Dispose();
        }
    }
}
