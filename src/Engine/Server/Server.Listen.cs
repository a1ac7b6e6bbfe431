using System.Net;
using System.Net.Sockets;
using Devp2p.Internal;
using Devp2p.Transports;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <content>Listening: the TCP and Unix socket listeners and go-ethereum's <c>listenLoop</c> / <c>checkInboundConn</c>.</content>
public sealed partial class Server
{
    /// <summary>Back-off after an accept error that is not the listener closing (go-ethereum sleeps 200 ms on temporary errors).</summary>
    private static readonly TimeSpan s_acceptErrorDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Inbound connections in their handshakes (bounded by MaxPendingPeers).</summary>
    private int _pendingInbound;

    private async Task BindListenersAsync(IPEndPoint? listen, CancellationToken cancellationToken)
    {
        ILogger? transportLog = _config.LoggerFactory?.CreateLogger("Devp2p.Transports");
        if (listen is not null)
        {
            _tcpListener = await BindTcpAsync(listen, transportLog, cancellationToken).ConfigureAwait(false);
            _listenAddr = _tcpListener.EndPoint.ToString() ?? "";
            _log.LogDebug("TCP listener up, addr={Address}", _listenAddr);
        }

        if (_config.UnixSocketPath is { } path)
        {
            if (UnixSocketFile.PathError(path) is { } error)
            {
                throw new ArgumentException($"ServerConfig.UnixSocketPath: {error}", nameof(ServerConfig.UnixSocketPath));
            }

            _unixListener = SocketTransportListener.ForUnixSocket(path, _config.TransportOptions, transportLog);

            await _unixListener.BindAsync(cancellationToken).ConfigureAwait(false);
            _log.LogDebug("Unix socket listener up, path={Path}", path);
        }
    }

    private async Task<SocketTransportListener> BindTcpAsync(IPEndPoint listen, ILogger? transportLog, CancellationToken cancellationToken)
    {
        var listener = new SocketTransportListener(listen, _config.TransportOptions, transportLog);
        try
        {
            await listener.BindAsync(cancellationToken).ConfigureAwait(false);
            return listener;
        }
        catch (Exception ex) when (listen.Address.Equals(IPAddress.IPv6Any) && (ex is IOException or SocketException))
        {
            // ":port" on a host without IPv6: every IPv4 interface instead.
            _log.LogDebug("Cannot bind {EndPoint} ({Error}); trying 0.0.0.0", listen, ex.Message);
            var ipv4 = new SocketTransportListener(new IPEndPoint(IPAddress.Any, listen.Port), _config.TransportOptions, transportLog);
            await ipv4.BindAsync(cancellationToken).ConfigureAwait(false);
            return ipv4;
        }
    }

    private async Task UnbindListenersAsync()
    {
        if (_tcpListener is not null)
        {
            await _tcpListener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_unixListener is not null)
        {
            await _unixListener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void StartAcceptLoops()
    {
        foreach (SocketTransportListener? listener in (ReadOnlySpan<SocketTransportListener?>)[_tcpListener, _unixListener])
        {
            if (listener is not null && _activity.TryEnter())
            {
                _ = Task.Run(() => AcceptLoopAsync(listener));
            }
        }
    }

    private async Task AcceptLoopAsync(SocketTransportListener listener)
    {
        try
        {
            while (!_quit.IsCancellationRequested)
            {
                TransportConnection? connection;
                try
                {
                    connection = await listener.AcceptAsync(_quit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (Exception ex)
                {
                    _log.LogDebug("Accept error on {EndPoint}: {Error}", listener.EndPoint, ex.Message);
                    await Task.Delay(s_acceptErrorDelay, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                if (connection is null)
                {
                    break;
                }

                await AcceptAsync(connection).ConfigureAwait(false);
            }
        }
        finally
        {
            _activity.Exit();
        }
    }

    /// <summary>
    /// go-ethereum's <c>checkInboundConn</c> and pending slots, before any crypto: NetRestrict, the
    /// pending-handshake limit, then the per-IP throttle. A connection that passes is set up on its own task.
    /// </summary>
    private async Task AcceptAsync(TransportConnection connection)
    {
        IPAddress? ip = connection.RemoteEndPoint is IPEndPoint remote ? NetRestrict.Normalize(remote.Address) : null;
        ConnectionRejection? rejection = null;
        if (ip is not null && !NetRestrict.Allows(_netRestrict, ip))
        {
            rejection = ConnectionRejection.NetRestrict;
        }
        else if (!TryTakePendingSlot())
        {
            rejection = ConnectionRejection.TooManyPending;
        }
        else if (ip is not null && !_throttle.TryRecord(ip, Environment.TickCount64))
        {
            ReleasePendingSlot();
            rejection = ConnectionRejection.InboundThrottled;
        }
        else if (!_activity.TryEnter())
        {
            ReleasePendingSlot();
            rejection = ConnectionRejection.ServerStopped;
        }

        if (rejection is { } reason)
        {
            ServerMetrics.InboundConnections.Add(1, ServerMetrics.Tag("outcome", OutcomeName(reason)));
            _log.LogTrace("Rejected inbound connection from {Remote}: {Reason}", connection.RemoteEndPoint, reason);
            await RejectEarlyAsync(connection, reason).ConfigureAwait(false);
            return;
        }

        ServerMetrics.InboundConnections.Add(1, ServerMetrics.Tag("outcome", "accepted"));
        _ = Task.Run(() => ServeInboundAsync(connection));
    }

    private async Task ServeInboundAsync(TransportConnection connection)
    {
        try
        {
            await SetupCoreAsync(connection, null, DialKind.Inbound, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Already counted and logged at Trace where it happened; a refused inbound peer is routine.
            _log.LogTrace("Inbound setup from {Remote} ended: {Error}", connection.RemoteEndPoint, ex.Message);
        }
        finally
        {
            ReleasePendingSlot();
            _activity.Exit();
        }
    }

    private static string OutcomeName(ConnectionRejection rejection) => rejection switch
    {
        ConnectionRejection.NetRestrict => "netrestrict",
        ConnectionRejection.TooManyPending => "too_many_pending",
        ConnectionRejection.InboundThrottled => "throttled",
        _ => "server_stopped",
    };
}
