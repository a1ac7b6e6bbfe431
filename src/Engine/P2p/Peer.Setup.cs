using System.Collections.Immutable;
using System.Net;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;

namespace Devp2p;

/// <content>Setting a peer up over a fresh transport: the RLPx handshake, then the Hello exchange.</content>
public sealed partial class Peer
{
    /// <summary>
    /// Turns an established transport into a running peer: the RLPx handshake (as initiator when
    /// <paramref name="dialDestination"/> is given), the Hello exchange, capability matching, and
    /// start. Without a Server this is how two nodes talk; the Server runs the same steps with its
    /// peer-set checks in between.
    /// </summary>
    /// <param name="transport">A fresh connection (TCP, Unix socket, named pipe, in-memory). Owned from now on: closed on failure and when the peer ends.</param>
    /// <param name="options">Our key, name, protocols and timeouts.</param>
    /// <param name="dialDestination">The public key of the node we dialled, or null for an inbound connection.</param>
    /// <param name="cancellationToken">Cancels the setup (not the running peer).</param>
    /// <returns>The running peer.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid.</exception>
    /// <exception cref="HandshakeException">The remote's auth or ack is malformed or not for our key.</exception>
    /// <exception cref="TimeoutException">A handshake did not complete within <see cref="PeerOptions.HandshakeTimeout"/>.</exception>
    /// <exception cref="EndOfStreamException">The remote closed the connection during setup.</exception>
    /// <exception cref="PeerDisconnectedException">
    /// The setup was refused, with the reason: the remote sent Disconnect instead of Hello
    /// (<see cref="PeerDisconnectedException.RequestedByRemote"/>), or we disconnected because its
    /// Hello was invalid, its identity differs from the handshake's, or no capability is shared
    /// (<see cref="DiscReason.UselessPeer"/>).
    /// </exception>
    public static Task<Peer> ConnectAsync(TransportConnection transport, PeerOptions options, PublicKey? dialDestination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return SetUpAsync(transport, options, dialDestination, null, cancellationToken);
    }

    /// <summary>
    /// Dials <paramref name="endPoint"/> and sets the peer up as <see cref="ConnectAsync"/> does, as
    /// the initiator. The auth is signed and encrypted while the transport connects, so its EC work
    /// (about a third of the handshake's) overlaps the connect rather than following it.
    /// </summary>
    /// <param name="dialer">The transport to dial with (TCP, Unix socket, named pipe, in-memory).</param>
    /// <param name="endPoint">Where the node listens.</param>
    /// <param name="options">Our key, name, protocols and timeouts.</param>
    /// <param name="remote">The public key (node ID) of the node at <paramref name="endPoint"/>.</param>
    /// <param name="cancellationToken">Cancels the connect and the setup (not the running peer); bound the connect with it.</param>
    /// <returns>The running peer.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid, or <paramref name="remote"/> is <c>default</c>.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The connect failed (refused, unreachable).</exception>
    /// <exception cref="HandshakeException">The remote's ack is malformed or not for our key.</exception>
    /// <exception cref="TimeoutException">A handshake did not complete within <see cref="PeerOptions.HandshakeTimeout"/>.</exception>
    /// <exception cref="EndOfStreamException">The remote closed the connection during setup.</exception>
    /// <exception cref="PeerDisconnectedException">The setup was refused, with the reason (see <see cref="ConnectAsync"/>).</exception>
    public static async Task<Peer> DialAsync(ITransportDialer dialer, EndPoint endPoint, PeerOptions options, PublicKey remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dialer);
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (remote == default)
        {
            throw new ArgumentException("default(PublicKey) is not a node ID.", nameof(remote));
        }

        (TransportConnection transport, PreparedAuth auth) = await ConnectPreparingAuthAsync(dialer.ConnectAsync(endPoint, cancellationToken), options.PrivateKey, remote).ConfigureAwait(false);
        return await SetUpAsync(transport, options, remote, auth, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the auth for <paramref name="remote"/> while <paramref name="connecting"/> runs, then
    /// waits for it. On failure of either, the other is cleaned up (the auth disposed, a connection
    /// that still came up closed).
    /// </summary>
    internal static async ValueTask<(TransportConnection Transport, PreparedAuth Auth)> ConnectPreparingAuthAsync(ValueTask<TransportConnection> connecting, PrivateKey privateKey, PublicKey remote)
    {
        PreparedAuth auth;
        try
        {
            auth = PreparedAuth.Create(privateKey, remote);
        }
        catch
        {
            try
            {
                await (await connecting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connect failed too; the auth's error is the one reported.
            }

            throw;
        }

        try
        {
            return (await connecting.ConfigureAwait(false), auth);
        }
        catch
        {
            auth.Dispose();
            throw;
        }
    }

    /// <summary>The handshake, Hello and start; owns <paramref name="transport"/> and <paramref name="auth"/>.</summary>
    private static async Task<Peer> SetUpAsync(TransportConnection transport, PeerOptions options, PublicKey? dialDestination, PreparedAuth? auth, CancellationToken cancellationToken)
    {
        var connection = new RlpxConnection(transport, options.MaxMessageSize);
        try
        {
            await connection.HandshakeCoreAsync(options.PrivateKey, dialDestination, auth, options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
            Hello hello = await ExchangeHelloAsync(connection, options, cancellationToken).ConfigureAwait(false);
            List<MatchedProtocol> matched = MatchProtocols(options, hello);
            if (options.Protocols.Count > 0 && matched.Count == 0)
            {
                throw await RejectAsync(connection, DiscReason.UselessPeer, null).ConfigureAwait(false);
            }

            var peer = new Peer(connection, hello, matched, dialDestination is null, options);
            peer.Start();
            return peer;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends our Hello and reads the remote's (go-ethereum's <c>doProtoHandshake</c>), checks its
    /// node ID against the RLPx identity, and turns snappy on when both sides are at version 5+.
    /// On a bad Hello the remote is sent a Disconnect with the reason before the exception is thrown.
    /// </summary>
    internal static async Task<Hello> ExchangeHelloAsync(RlpxConnection connection, PeerOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            await SendHelloAsync(connection, options, timeout.Token).ConfigureAwait(false);
            Msg msg = await connection.ReadMsgAsync(timeout.Token).ConfigureAwait(false);
            Hello hello;
            using (msg)
            {
                if (msg.Code == BaseProtocol.DisconnectCode)
                {
                    throw new PeerDisconnectedException(DisconnectMessage.Decode(msg.Payload), requestedByRemote: true);
                }

                if (msg.Code != BaseProtocol.HelloCode)
                {
                    throw await RejectAsync(connection, DiscReason.ProtocolError, new InvalidDataException($"Expected Hello (code 0) as the first message, got code {msg.Code}.")).ConfigureAwait(false);
                }

                if (msg.Size > Hello.MaxMessageSize)
                {
                    throw await RejectAsync(connection, DiscReason.ProtocolError, new InvalidDataException($"The Hello message is {msg.Size} bytes, more than the limit of {Hello.MaxMessageSize}.")).ConfigureAwait(false);
                }

                try
                {
                    hello = Hello.DecodeMessage(msg.Payload);
                }
                catch (RlpException ex)
                {
                    // go-ethereum: a node ID that is not a 64-byte key is DiscInvalidIdentity; other malformations are protocol errors.
                    DiscReason reason = ex.Error is RlpError.InvalidValue or RlpError.UnexpectedLength ? DiscReason.InvalidIdentity : DiscReason.ProtocolError;
                    throw await RejectAsync(connection, reason, ex).ConfigureAwait(false);
                }
            }

            if (!hello.NodeId.Equals(connection.RemotePublicKey))
            {
                throw await RejectAsync(connection, DiscReason.UnexpectedIdentity, new InvalidDataException("The node ID in Hello differs from the key proven in the RLPx handshake.")).ConfigureAwait(false);
            }

            if (hello.ProtocolVersion >= BaseProtocol.SnappyVersion && options.BaseProtocolVersion >= BaseProtocol.SnappyVersion)
            {
                connection.EnableSnappy();
            }

            return hello;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Hello exchange did not complete within {options.HandshakeTimeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>Matches our protocols against the remote's caps as go-ethereum's <c>matchProtocols</c>.</summary>
    internal static List<MatchedProtocol> MatchProtocols(PeerOptions options, in Hello hello)
    {
        var ours = new ProtocolSpec[options.Protocols.Count];
        for (int i = 0; i < ours.Length; i++)
        {
            ours[i] = options.Protocols[i].Spec;
        }

        return CapabilityMatcher.Match(ours, hello.Caps.AsSpan());
    }

    /// <summary>Sends Disconnect with <paramref name="reason"/> (bounded to 1 s) and returns the exception that reports it.</summary>
    internal static async Task<PeerDisconnectedException> RejectAsync(RlpxConnection connection, DiscReason reason, Exception? error)
    {
        byte[] payload = new byte[DisconnectMessage.GetLength(reason)];
        DisconnectMessage.Encode(reason, payload);
        using var timeout = new CancellationTokenSource(s_disconnectWriteTimeout);
        try
        {
            await connection.WriteMsgAsync(BaseProtocol.DisconnectCode, payload, timeout.Token).ConfigureAwait(false);
            await connection.CompleteOutputAsync(timeout.Token).ConfigureAwait(false);
            await connection.DrainInputAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the connection is being dropped either way.
        }

        return new PeerDisconnectedException(reason, false, error);
    }

    private static async ValueTask SendHelloAsync(RlpxConnection connection, PeerOptions options, CancellationToken cancellationToken)
    {
        var caps = ImmutableArray.CreateBuilder<Cap>(options.Protocols.Count);
        foreach (Protocol protocol in options.Protocols)
        {
            caps.Add(protocol.Cap);
        }

        var hello = new Hello(options.BaseProtocolVersion, options.Name, caps.MoveToImmutable(), options.ListenPort, options.PrivateKey.PublicKey);
        byte[] payload = RlpCodec.EncodeToArray(hello);
        await connection.WriteMsgAsync(BaseProtocol.HelloCode, payload, cancellationToken).ConfigureAwait(false);
    }
}
