using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Framing.Rlpx;
using Devp2p.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <content>Turning a connection into a peer: both handshakes with the loop's checks in between (go-ethereum's <c>SetupConn</c>).</content>
public sealed partial class Server
{
    /// <summary>
    /// Hands an established connection (TCP, Unix socket, named pipe, in-memory) to the server,
    /// as go-ethereum's <c>SetupConn</c>: it runs the RLPx handshake and the Hello exchange and
    /// adds the peer under the same checks as the server's own connections (NetRestrict when the
    /// connection has an IP, the inbound pending limit, self, already connected, too many peers,
    /// the inbound share, no shared protocol). The inbound per-IP throttle applies only to the
    /// server's listeners.
    /// </summary>
    /// <param name="connection">A fresh connection. Owned from now on: closed on failure, and with the peer.</param>
    /// <param name="inbound">True when the remote connected to us (we answer the RLPx handshake); false when we connected to <paramref name="dialDestination"/>.</param>
    /// <param name="dialDestination">For an outbound connection, the node dialled (its key starts the RLPx handshake); null for inbound.</param>
    /// <param name="cancellationToken">Cancels the setup (not the running peer).</param>
    /// <returns>The peer, added to <see cref="Peers"/> and running.</returns>
    /// <exception cref="ArgumentException"><paramref name="inbound"/> and <paramref name="dialDestination"/> disagree.</exception>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    /// <exception cref="ConnectionRejectedException">The server closed the connection before any handshake (stopped, NetRestrict, pending limit).</exception>
    /// <exception cref="PeerDisconnectedException">A check refused the peer (the reason was sent to it), or the remote disconnected during setup.</exception>
    /// <exception cref="HandshakeException">The remote's RLPx auth or ack is malformed or not for our key.</exception>
    /// <exception cref="TimeoutException">A handshake did not complete within <see cref="ServerConfig.HandshakeTimeout"/>.</exception>
    /// <exception cref="IOException">The connection failed during setup (for example <see cref="EndOfStreamException"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired, or the server stopped during the setup.</exception>
    public async Task<Peer> SetupConnAsync(TransportConnection connection, bool inbound, EnodeUrl? dialDestination = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (inbound != (dialDestination is null))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ArgumentException(
                inbound ? "An inbound connection has no dial destination." : "An outbound connection needs the dial destination (its key starts the RLPx handshake).",
                nameof(dialDestination));
        }

        if (Volatile.Read(ref _state) is StateCreated or StateStarting)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("The server has not been started.");
        }

        if (!_activity.TryEnter())
        {
            await RejectEarlyAsync(connection, ConnectionRejection.ServerStopped).ConfigureAwait(false);
            throw StoppedException();
        }

        bool pendingTaken = false;
        try
        {
            if (connection.RemoteEndPoint is IPEndPoint remote && !NetRestrict.Allows(_netRestrict, remote.Address))
            {
                await RejectEarlyAsync(connection, ConnectionRejection.NetRestrict).ConfigureAwait(false);
                throw new ConnectionRejectedException(ConnectionRejection.NetRestrict, $"{remote.Address} is not in ServerConfig.NetRestrict.");
            }

            if (inbound)
            {
                if (!TryTakePendingSlot())
                {
                    await RejectEarlyAsync(connection, ConnectionRejection.TooManyPending).ConfigureAwait(false);
                    throw new ConnectionRejectedException(ConnectionRejection.TooManyPending, $"{_config.MaxPendingPeers} inbound connections are already in their handshakes (ServerConfig.MaxPendingPeers).");
                }

                pendingTaken = true;
            }

            DialKind kind = inbound ? DialKind.Inbound : DialKind.Manual;
            return await SetupCoreAsync(connection, dialDestination, kind, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (pendingTaken)
            {
                ReleasePendingSlot();
            }

            _activity.Exit();
        }
    }

    /// <summary>
    /// The handshakes and checkpoints of go-ethereum's <c>setupConn</c>. The caller holds an
    /// activity (and for inbound a pending slot); the connection is owned and closed on failure,
    /// and so is <paramref name="auth"/>, an auth for <paramref name="dialDestination"/> built while dialling.
    /// </summary>
    private async Task<Peer> SetupCoreAsync(TransportConnection transport, EnodeUrl? dialDestination, DialKind kind, CancellationToken cancellationToken, PreparedAuth? auth = null)
    {
        var connection = new RlpxConnection(transport, _peerOptions.MaxMessageSize);
        bool handedOver = false;
        bool encrypted = false;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _quit.Token);
        try
        {
            PublicKey remoteKey;
            try
            {
                remoteKey = await connection.HandshakeCoreAsync(_peerOptions.PrivateKey, dialDestination?.PublicKey, auth, _peerOptions.HandshakeTimeout, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CountFailure(ex is TimeoutException ? "timeout" : "rlpx handshake");
                _log.LogTrace("Failed RLPx handshake with {Remote} ({Kind}): {Error}", transport.RemoteEndPoint, kind, ex.Message);
                throw;
            }

            encrypted = true;
            NodeId id = NodeId.FromPublicKey(remoteKey);
            DiscReason? refused = await InvokeOnLoopAsync(() => PostHandshakeChecks(id, kind)).ConfigureAwait(false);
            if (refused is { } reason)
            {
                throw await RefuseAsync(connection, id, reason).ConfigureAwait(false);
            }

            Hello hello;
            try
            {
                hello = await Peer.ExchangeHelloAsync(connection, _peerOptions, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CountFailure(ex is PeerDisconnectedException disconnected ? disconnected.Reason.ToText() : ex is TimeoutException ? "timeout" : "hello");
                _log.LogTrace("Failed p2p handshake with {Id} {Remote}: {Error}", id.TerminalString(), transport.RemoteEndPoint, ex.Message);
                throw;
            }

            List<MatchedProtocol> matched = Peer.MatchProtocols(_peerOptions, hello);
            (Peer? peer, DiscReason addRefused) = await InvokeOnLoopAsync(() => AddPeerOnLoop(connection, id, hello, matched, kind)).ConfigureAwait(false);
            if (peer is null)
            {
                throw await RefuseAsync(connection, id, addRefused).ConfigureAwait(false);
            }

            handedOver = true;
            return peer;
        }
        catch (Exception ex) when (ex is ConnectionRejectedException || (ex is OperationCanceledException && _quit.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            // Stopped mid-setup: a remote past the RLPx handshake learns why, as connected peers do.
            CountFailure("server stopped");
            if (encrypted)
            {
                await Peer.RejectAsync(connection, DiscReason.Quitting, null).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            if (!handedOver)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends Disconnect with the check's reason and returns the exception for the caller.</summary>
    private async Task<PeerDisconnectedException> RefuseAsync(RlpxConnection connection, NodeId id, DiscReason reason)
    {
        CountFailure(reason.ToText());
        _log.LogTrace("Rejected peer {Id} {Remote}: {Reason}", id.TerminalString(), connection.Transport.RemoteEndPoint, reason.ToText());
        return await Peer.RejectAsync(connection, reason, null).ConfigureAwait(false);
    }

    /// <summary>Closes a connection refused before any handshake: an abort, so no time is spent on it.</summary>
    private static async Task RejectEarlyAsync(TransportConnection connection, ConnectionRejection rejection)
    {
        // The same lowercase texts as the other handshake failures ("server stopped" is counted by both paths).
        CountFailure(rejection switch
        {
            ConnectionRejection.NetRestrict => "netrestrict",
            ConnectionRejection.TooManyPending => "too many pending",
            ConnectionRejection.InboundThrottled => "throttled",
            _ => "server stopped",
        });
        connection.Abort(new ConnectionAbortedException($"Connection refused by the server: {rejection}."));
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private bool TryTakePendingSlot()
    {
        if (Interlocked.Increment(ref _pendingInbound) > _config.MaxPendingPeers)
        {
            Interlocked.Decrement(ref _pendingInbound);
            return false;
        }

        return true;
    }

    private void ReleasePendingSlot() => Interlocked.Decrement(ref _pendingInbound);

    private static void CountFailure(string reason) => ServerMetrics.HandshakeFailures.Add(1, ServerMetrics.Tag("reason", reason));
}
