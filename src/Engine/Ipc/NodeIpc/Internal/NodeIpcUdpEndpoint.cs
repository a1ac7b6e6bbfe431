using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// A UDP server socket (node-ipc's <c>serveNet(..., 'udp4'|'udp6')</c>): every datagram is parsed on
/// its own (a message split across datagrams is lost, as in node-ipc, whose buffer lives on the
/// datagram's <c>rinfo</c>), handlers get a socket for the sender's address, and emits to that
/// socket are datagrams from the bound port.
/// </summary>
internal sealed class NodeIpcUdpEndpoint : IAsyncDisposable
{
    // The largest UDP payload over IPv4 is 65,507 bytes and over IPv6 65,527; one buffer this size never truncates.
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly NodeIpcConfig _config;
    private readonly NodeIpcDispatcher _dispatcher;
    private readonly Action<Exception, NodeIpcSocket?> _reportError;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPEndPoint, NodeIpcSocket> _peers = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly int _maxPeers;
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _closed;

    public NodeIpcUdpEndpoint(IPEndPoint bindTo, NodeIpcConfig config, NodeIpcDispatcher dispatcher, Action<Exception, NodeIpcSocket?> reportError, ILogger logger)
    {
        _config = config;
        _dispatcher = dispatcher;
        _reportError = reportError;
        _logger = logger;
        _maxPeers = config.MaxConnections;
        Delimiter = config.DelimiterBytes();
        _socket = new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(bindTo);
        }
        catch (SocketException ex)
        {
            _socket.Dispose();
            throw new IOException($"Cannot bind the node-ipc UDP server to {bindTo}: {ex.Message}", ex);
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public byte[] Delimiter { get; }

    public bool IsOpen => !_closed;

    /// <summary>The peers heard from (at most MaxConnections of them), which a UDP broadcast reaches.</summary>
    public ICollection<NodeIpcSocket> Peers => _peers.Values;

    public void Start() => _receiveLoop = ReceiveLoopAsync();

    /// <summary>The socket for <paramref name="remote"/>: the tracked one when known, else a new one (tracked while there is room).</summary>
    public NodeIpcSocket GetPeer(IPEndPoint remote)
    {
        if (_peers.TryGetValue(remote, out NodeIpcSocket? known))
        {
            return known;
        }

        var socket = new NodeIpcSocket(new NodeIpcUdpPeer(this, remote), remote, isDatagram: true);
        if (_peers.Count < _maxPeers)
        {
            socket = _peers.GetOrAdd(remote, socket);
        }

        return socket;
    }

    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new IOException("The node-ipc UDP server is stopped.");
        }

        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Sending a {datagram.Length}-byte datagram to {remote} failed: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        await _closing.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        CancellationToken token = _closing.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, token).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    // Windows reports an ICMP "port unreachable" from an earlier send as a reset; neither ends the server.
                    _logger.LogDebug(ex, "A node-ipc UDP receive on {EndPoint} failed; still listening.", LocalEndPoint);
                    continue;
                }

                var remote = (IPEndPoint)received.RemoteEndPoint;
                NodeIpcSocket peer = GetPeer(remote);
                if (received.ReceivedBytes > _config.MaxMessageSize)
                {
                    _reportError(
                        new NodeIpcException($"A {received.ReceivedBytes}-byte datagram from {remote} is over MaxMessageSize ({_config.MaxMessageSize} bytes); it was dropped."),
                        peer);
                    continue;
                }

                await DispatchDatagramAsync(new ReadOnlySequence<byte>(buffer, 0, received.ReceivedBytes), peer, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is SocketException && _closed))
        {
            // Stopped.
        }
        catch (Exception ex)
        {
            _reportError(ex, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask DispatchDatagramAsync(ReadOnlySequence<byte> datagram, NodeIpcSocket peer, CancellationToken token)
    {
        if (_config.RawBuffer)
        {
            await _dispatcher.DispatchRawAsync(datagram, peer, token).ConfigureAwait(false);
            return;
        }

        long scanned = 0;
        while (NodeIpcFraming.TryReadMessage(ref datagram, Delimiter, ref scanned, out ReadOnlySequence<byte> message))
        {
            await _dispatcher.DispatchMessageAsync(message, peer, token).ConfigureAwait(false);
        }

        if (!datagram.IsEmpty)
        {
            _logger.LogDebug("Dropped {Bytes} bytes without a delimiter at the end of a datagram from {Peer}.", datagram.Length, peer.RemoteEndPoint);
        }
    }
}
