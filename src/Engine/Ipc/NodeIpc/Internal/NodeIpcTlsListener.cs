using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using Devp2p.Transports;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// A TCP listener whose connections are TLS: each accepted socket does its handshake on its own
/// task (bounded by <see cref="NodeIpcTls.HandshakeTimeout"/>), so a slow client never holds up the
/// accept loop, and finished connections queue for <see cref="AcceptAsync"/>.
/// </summary>
internal sealed class NodeIpcTlsListener : ITransportListener
{
    private readonly SslServerAuthenticationOptions _tls;
    private readonly TransportOptions _options;
    private readonly Action<Exception> _reportHandshakeError;
    private readonly ILogger _logger;
    private readonly int _maxPendingHandshakes;
    private readonly Channel<TransportConnection> _ready = Channel.CreateUnbounded<TransportConnection>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _unbound = new();
    private Socket? _listenSocket;
    private Task _acceptLoop = Task.CompletedTask;
    private int _pendingHandshakes;

    public NodeIpcTlsListener(IPEndPoint endPoint, SslServerAuthenticationOptions tls, int maxPendingHandshakes, TransportOptions options, Action<Exception> reportHandshakeError, ILogger logger)
    {
        EndPoint = endPoint;
        _tls = tls;
        _maxPendingHandshakes = maxPendingHandshakes;
        _options = options;
        _reportHandshakeError = reportHandshakeError;
        _logger = logger;
    }

    public EndPoint EndPoint { get; private set; }

    public ValueTask BindAsync(CancellationToken cancellationToken = default)
    {
        var socket = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = _options.NoDelay };
        try
        {
            socket.Bind(EndPoint);
            socket.Listen(_options.ListenBacklog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Cannot bind the node-ipc TLS server to {EndPoint}: {ex.Message}", ex);
        }

        EndPoint = socket.LocalEndPoint!;
        _listenSocket = socket;
        _acceptLoop = AcceptLoopAsync(socket);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<TransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Socket? socket = Interlocked.Exchange(ref _listenSocket, null);
        if (socket is null)
        {
            return;
        }

        await _unbound.CancelAsync().ConfigureAwait(false);
        socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _ready.Writer.TryComplete();
        while (_ready.Reader.TryRead(out TransportConnection? unclaimed))
        {
            unclaimed.Abort();
        }
    }

    public ValueTask DisposeAsync() => UnbindAsync(CancellationToken.None);

    private async Task AcceptLoopAsync(Socket listenSocket)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await listenSocket.AcceptAsync(_unbound.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue;
            }

            if (Interlocked.Increment(ref _pendingHandshakes) > _maxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
                _logger.LogDebug("Too many TLS handshakes in progress; closed the connection from {Remote}.", accepted.RemoteEndPoint);
                accepted.Dispose();
                continue;
            }

            accepted.NoDelay = _options.NoDelay;
            _ = HandshakeAsync(accepted);
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        EndPoint? local = socket.LocalEndPoint;
        EndPoint? remote = socket.RemoteEndPoint;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_unbound.Token);
            timeout.CancelAfter(NodeIpcTls.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(_tls, timeout.Token).ConfigureAwait(false);
            var connection = new StreamConnection(ssl, _options, local, remote);
            if (!_ready.Writer.TryWrite(connection))
            {
                connection.Abort();
            }
        }
        catch (Exception ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (!_unbound.IsCancellationRequested)
            {
                _reportHandshakeError(new IOException($"The TLS handshake with {remote} failed: {ex.Message}", ex));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }
}
