using System.Net;
using System.Net.Sockets;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary><see cref="Peer.DialAsync"/>: the connect and the auth's preparation run together.</summary>
public sealed class PeerDialTests
{
    public static TheoryData<TransportKind> SocketTransports() => new() { TransportKind.Tcp, TransportKind.Unix };

    [Theory]
    [MemberData(nameof(SocketTransports))]
    public async Task DialAsync_sets_up_a_running_peer(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var rwA = new TaskCompletionSource<IMsgReadWriter>();
        var rwB = new TaskCompletionSource<IMsgReadWriter>();
        await using SocketTransportListener listener = await ListenAsync(kind, cts.Token);
        Task<Peer> inbound = AcceptPeerAsync(listener, PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 1, 4, rwB)), cts.Token);

        Peer a = await Peer.DialAsync(new SocketTransportDialer(), listener.EndPoint, PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 4, rwA)), keyB.PublicKey, cts.Token);
        Peer b = await inbound;

        Assert.Equal(keyB.PublicKey, a.PublicKey);
        Assert.Equal(keyA.PublicKey, b.PublicKey);
        Assert.False(a.Inbound);
        IMsgReadWriter sideA = await rwA.Task.WaitAsync(cts.Token);
        IMsgReadWriter sideB = await rwB.Task.WaitAsync(cts.Token);
        await sideA.WriteMsgAsync(1, new byte[] { 0x82, 7, 8 }, cts.Token);
        using (Msg msg = await sideB.ReadMsgAsync(cts.Token))
        {
            Assert.Equal(1UL, msg.Code);
            Assert.Equal(new byte[] { 0x82, 7, 8 }, msg.Payload.ToArray());
        }

        a.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(b)).Reason);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(a)).Reason);
    }

    [Fact]
    public async Task DialAsync_to_a_node_with_another_key_fails_on_both_sides()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        using var wrong = PrivateKey.Generate();
        await using SocketTransportListener listener = await ListenAsync(TransportKind.Tcp, cts.Token);
        Task<Peer> inbound = AcceptPeerAsync(listener, PeerTestKit.Options(keyB), cts.Token);

        // The auth is encrypted to the wrong key: the listener cannot decrypt it and drops the connection.
        Exception dialError = await Assert.ThrowsAnyAsync<Exception>(() =>
            Peer.DialAsync(new SocketTransportDialer(), listener.EndPoint, PeerTestKit.Options(keyA), wrong.PublicKey, cts.Token));
        Assert.True(dialError is EndOfStreamException or IOException, dialError.ToString());
        HandshakeException listenError = await Assert.ThrowsAsync<HandshakeException>(() => inbound);
        Assert.Equal("ecies", listenError.Field);
    }

    [Fact]
    public async Task DialAsync_that_cannot_connect_throws_the_socket_error()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        EndPoint closed;
        await using (SocketTransportListener listener = await ListenAsync(TransportKind.Tcp, cts.Token))
        {
            closed = listener.EndPoint;
        }

        SocketException ex = await Assert.ThrowsAsync<SocketException>(() =>
            Peer.DialAsync(new SocketTransportDialer(), closed, PeerTestKit.Options(keyA), keyB.PublicKey, cts.Token));
        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    [Fact]
    public async Task DialAsync_checks_its_arguments_before_dialling()
    {
        using var keyA = PrivateKey.Generate();
        var dialer = new CountingDialer();
        var endPoint = new IPEndPoint(IPAddress.Loopback, 9);

        await Assert.ThrowsAsync<ArgumentException>(() => Peer.DialAsync(dialer, endPoint, PeerTestKit.Options(keyA), default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Peer.DialAsync(null!, endPoint, PeerTestKit.Options(keyA), keyA.PublicKey));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Peer.DialAsync(dialer, null!, PeerTestKit.Options(keyA), keyA.PublicKey));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Peer.DialAsync(dialer, endPoint, null!, keyA.PublicKey));
        Assert.Equal(0, dialer.Calls);
    }

    [Fact]
    public async Task A_prepared_auth_for_another_node_is_refused_and_disposed()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        (TransportConnection dialer, TransportConnection listener) = InMemoryTransport.CreatePair();
        await using var connection = new RlpxConnection(dialer, RlpxConnection.DefaultMaxMessageSize);
        await using TransportConnection other = listener;
        var auth = PreparedAuth.Create(keyA, keyA.PublicKey);

        await Assert.ThrowsAsync<ArgumentException>(() => connection.HandshakeCoreAsync(keyA, keyB.PublicKey, auth, TimeSpan.FromSeconds(5), cts.Token));
        Assert.Throws<ObjectDisposedException>(() => auth.Packet.Length);
    }

    private static async Task<SocketTransportListener> ListenAsync(TransportKind kind, CancellationToken ct)
    {
        SocketTransportListener listener = kind == TransportKind.Tcp
            ? new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0))
            : SocketTransportListener.ForUnixSocket(Path.Combine(Path.GetTempPath(), "d2p-" + Guid.NewGuid().ToString("N")[..12] + ".sock"));
        await listener.BindAsync(ct);
        return listener;
    }

    private static async Task<Peer> AcceptPeerAsync(SocketTransportListener listener, PeerOptions options, CancellationToken ct)
    {
        TransportConnection accepted = await listener.AcceptAsync(ct) ?? throw new InvalidOperationException("The listener closed.");
        return await Peer.ConnectAsync(accepted, options, null, ct);
    }

    private sealed class CountingDialer : ITransportDialer
    {
        public int Calls { get; private set; }

        public ValueTask<TransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new InvalidOperationException("Not expected to be called.");
        }
    }
}
