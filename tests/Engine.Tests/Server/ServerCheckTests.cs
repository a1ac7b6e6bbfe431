using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>The loop's checks on new connections, each with the reason the remote receives.</summary>
public sealed class ServerCheckTests
{
    [Fact]
    public async Task A_connection_from_our_own_key_is_refused_as_self()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);

        await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(key), DiscReason.Self, cts.Token);

        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task A_second_connection_of_a_connected_node_is_refused_as_already_connected()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        Peer first = await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the first connection is a peer", cts.Token);

        await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(clientKey), DiscReason.AlreadyConnected, cts.Token);

        Assert.False(first.Completion.IsCompleted);
        Assert.Equal(1, server.PeerCount);
    }

    [Fact]
    public async Task Beyond_max_peers_new_peers_are_refused_but_trusted_ones_are_admitted()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var a = PrivateKey.Generate();
        using var b = PrivateKey.Generate();
        using var trustedAtStart = PrivateKey.Generate();
        using var trustedLater = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with
        {
            MaxPeers = 1,
            NoDial = true, // every slot is inbound
            TrustedNodes = [new EnodeUrl(trustedAtStart.PublicKey)],
        };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(a), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the first peer is added", cts.Token);

        await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(b), DiscReason.TooManyPeers, cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(trustedAtStart), cts.Token);
        server.AddTrustedPeer(new EnodeUrl(trustedLater.PublicKey));
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(trustedLater), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 3, "both trusted peers are added above the limit", cts.Token);
        Assert.Equal(2, server.Peers.Count(static p => p.IsTrusted));

        // Untrusted again: the limit applies once more.
        server.RemoveTrustedPeer(new EnodeUrl(trustedLater.PublicKey));
        await ServerTestKit.WaitUntilAsync(() => server.Peers.Count(static p => p.IsTrusted) == 1, "the peer is no longer marked trusted", cts.Token);
        await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(b), DiscReason.TooManyPeers, cts.Token);
    }

    [Fact]
    public async Task Inbound_peers_are_limited_to_their_share_of_max_peers()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { MaxPeers = 6, DialRatio = 3 };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        Assert.Equal(2, server.MaxDialedConns);
        Assert.Equal(4, server.MaxInboundConns);

        var keys = Enumerable.Range(0, 5).Select(_ => PrivateKey.Generate()).ToArray();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(keys[i]), cts.Token);
            }

            await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 4, "four inbound peers are added", cts.Token);

            // Two slots are free, but they are kept for peers we dial.
            await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(keys[4]), DiscReason.TooManyPeers, cts.Token);
            Assert.Equal(4, server.PeerCount);
        }
        finally
        {
            foreach (PrivateKey k in keys)
            {
                k.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_peer_sharing_no_protocol_is_refused_as_useless()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key, ServerTestKit.Hold("mine")), cts.Token);

        // The client runs no protocol, so it does not reject the server itself; the server's addPeerChecks does.
        PeerOptions client = ServerTestKit.ClientOptions(clientKey) with { Protocols = [] };
        await ServerTestKit.ExpectRefusedAsync(server, client, DiscReason.UselessPeer, cts.Token);

        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task NetRestrict_closes_inbound_connections_from_outside_before_the_handshake()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with
        {
            NetRestrict = [IPNetwork.Parse("10.0.0.0/8")],
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

        // Closed on accept: no ack ever comes, and it is not the 10 s handshake timeout that ends it.
        await DialAndWaitClosedAsync(server, cts.Token).WaitAsync(TimeSpan.FromSeconds(3), cts.Token);

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token));
        Assert.True(error is IOException or SocketException, error.ToString());
        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task NetRestrict_allows_a_listed_network()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { NetRestrict = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8")] };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the peer is added", cts.Token);
    }

    [Fact]
    public async Task NetRestrict_keeps_outbound_dials_and_handed_connections_inside()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        await using Server remote = await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token);
        var dialer = new ServerTestKit.CountingDialer();
        var config = ServerTestKit.Config(key) with
        {
            NetRestrict = [IPNetwork.Parse("10.0.0.0/8")],
            StaticNodes = [remote.Self],
            Dialer = dialer,
        };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        server.AddPeer(remote.Self);

        // A connection made by hand is checked too.
        TransportConnection transport = await new SocketTransportDialer().ConnectAsync(remote.ListenEndPoint!, cts.Token);
        var error = await Assert.ThrowsAsync<ConnectionRejectedException>(() => server.SetupConnAsync(transport, inbound: false, remote.Self, cts.Token));
        Assert.Equal(ConnectionRejection.NetRestrict, error.Rejection);

        await Task.Delay(300, cts.Token);
        Assert.Equal(0, dialer.Calls);
        Assert.Equal(0, server.PeerCount);
        Assert.Equal(0, remote.PeerCount);
    }

    [Fact]
    public async Task Excess_inbound_connections_are_closed_before_any_crypto_and_an_honest_peer_still_gets_in()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { MaxPendingPeers = 2, HandshakeTimeout = TimeSpan.FromMilliseconds(800) };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        var dialer = new SocketTransportDialer();

        // Two idle connections take both pending slots.
        TransportConnection idle1 = await dialer.ConnectAsync(server.ListenEndPoint!, cts.Token);
        TransportConnection idle2 = await dialer.ConnectAsync(server.ListenEndPoint!, cts.Token);
        await Task.Delay(100, cts.Token);

        // A third is closed at once, long before the handshake timeout would end it.
        var started = System.Diagnostics.Stopwatch.StartNew();
        await DialAndWaitClosedAsync(server, cts.Token).WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(600), $"closed after {started.ElapsedMilliseconds} ms");

        // The idle ones time out; then an honest peer is served.
        await WaitClosedAsync(idle1, cts.Token);
        await WaitClosedAsync(idle2, cts.Token);
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the honest peer is added", cts.Token);
        await idle1.DisposeAsync();
        await idle2.DisposeAsync();
    }

    [Fact]
    public async Task A_second_inbound_attempt_from_one_ip_within_the_throttle_time_is_closed()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { ThrottleExemptsLan = false, HandshakeTimeout = TimeSpan.FromSeconds(10) };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the first connection is served", cts.Token);

        await DialAndWaitClosedAsync(server, cts.Token).WaitAsync(TimeSpan.FromSeconds(3), cts.Token);
    }

    [Fact]
    public async Task Loopback_is_exempt_from_the_inbound_throttle()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var a = PrivateKey.Generate();
        using var b = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);

        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(a), cts.Token);
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(b), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 2, "both connections are served", cts.Token);
    }

    [Fact]
    public async Task Two_hundred_idle_inbound_connections_do_not_keep_an_honest_peer_out()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { HandshakeTimeout = TimeSpan.FromMilliseconds(700) };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        var dialer = new SocketTransportDialer();
        var idle = new List<TransportConnection>();
        for (int i = 0; i < 200; i++)
        {
            try
            {
                idle.Add(await dialer.ConnectAsync(server.ListenEndPoint!, cts.Token));
            }
            catch (SocketException)
            {
                // Beyond the pending limit the server resets at once, sometimes before connect returns.
            }
        }

        Assert.True(idle.Count >= 50, $"only {idle.Count} idle connections got through");

        // The honest peer retries as a node's redial would; it must get in soon after the idle handshakes expire.
        var started = System.Diagnostics.Stopwatch.StartNew();
        Peer? honest = null;
        while (honest is null)
        {
            try
            {
                honest = await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException)
            {
                await Task.Delay(100, cts.Token);
            }
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.ElapsedMilliseconds} ms");
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the honest peer is added", cts.Token);
        foreach (TransportConnection connection in idle)
        {
            connection.Abort();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Dials the server and waits until it closes the connection unanswered (a reset during connect counts).</summary>
    private static async Task DialAndWaitClosedAsync(Server server, CancellationToken ct)
    {
        TransportConnection connection;
        try
        {
            connection = await new SocketTransportDialer().ConnectAsync(server.ListenEndPoint!, ct);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected)
        {
            // The reset arrived before the dialer finished setting up (it reads the remote address after connect).
            return;
        }

        await using (connection)
        {
            await WaitClosedAsync(connection, ct);
        }
    }

    /// <summary>Reads until the server closes the connection (end of stream or reset); nothing may arrive.</summary>
    private static async Task WaitClosedAsync(TransportConnection connection, CancellationToken ct)
    {
        PipeReader input = connection.Transport.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(ct);
                Assert.True(result.Buffer.IsEmpty, "the server sent bytes to a connection it should have closed unanswered");
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (IOException)
        {
            // Reset: closed as well.
        }
    }
}
