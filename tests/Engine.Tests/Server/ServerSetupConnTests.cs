using System.Net.Sockets;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>SetupConn: connections made by the embedder, over any transport.</summary>
public sealed class ServerSetupConnTests
{
    [Fact]
    public async Task Two_servers_become_peers_over_an_in_memory_pipe()
    {
        using var cts = ServerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        await using Server a = await ServerTestKit.StartAsync(ServerTestKit.Config(keyA) with { ListenAddr = null }, cts.Token);
        await using Server b = await ServerTestKit.StartAsync(ServerTestKit.Config(keyB) with { ListenAddr = null }, cts.Token);
        (TransportConnection first, TransportConnection second) = InMemoryTransport.CreatePair();

        Task<Peer> inbound = b.SetupConnAsync(second, inbound: true, cancellationToken: cts.Token);
        Peer outbound = await a.SetupConnAsync(first, inbound: false, new EnodeUrl(keyB.PublicKey), cts.Token);
        Peer accepted = await inbound;

        Assert.Equal(keyB.PublicKey, outbound.PublicKey);
        Assert.Equal(keyA.PublicKey, accepted.PublicKey);
        Assert.False(outbound.Inbound);
        Assert.True(accepted.Inbound);
        Assert.Same(outbound, Assert.Single(a.Peers));
        Assert.Same(accepted, Assert.Single(b.Peers));
        Assert.Equal(string.Empty, a.ListenAddr);
        Assert.Equal(0, a.Self.TcpPort);
    }

    [Fact]
    public async Task Handed_connections_pass_the_same_checks()
    {
        using var cts = ServerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        await using Server a = await ServerTestKit.StartAsync(ServerTestKit.Config(keyA) with { ListenAddr = null }, cts.Token);
        (TransportConnection first, TransportConnection second) = InMemoryTransport.CreatePair();

        // The remote end uses our own key: the server refuses itself.
        Task<Peer> client = Peer.ConnectAsync(first, ServerTestKit.ClientOptions(keyA), keyA.PublicKey, cts.Token);
        var refused = await Assert.ThrowsAsync<PeerDisconnectedException>(() => a.SetupConnAsync(second, inbound: true, cancellationToken: cts.Token));

        Assert.Equal(DiscReason.Self, refused.Reason);
        Assert.False(refused.RequestedByRemote);
        var seen = await Assert.ThrowsAsync<PeerDisconnectedException>(() => client);
        Assert.Equal(DiscReason.Self, seen.Reason);
        Assert.Equal(0, a.PeerCount);
    }

    [Fact]
    public async Task A_local_peer_connects_over_the_unix_socket()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        string path = Path.Combine(Path.GetTempPath(), "d2p-srv-" + Guid.NewGuid().ToString("N")[..10] + ".sock");
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key) with { UnixSocketPath = path }, cts.Token);
        Assert.True(File.Exists(path));

        TransportConnection transport = await new SocketTransportDialer().ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
        Peer client = await Peer.ConnectAsync(transport, ServerTestKit.ClientOptions(clientKey), key.PublicKey, cts.Token);

        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the Unix socket peer is added", cts.Token);
        Assert.True(server.Peers[0].Inbound);
        Assert.Equal(key.PublicKey, client.PublicKey);

        await server.StopAsync(cts.Token);
        Assert.False(File.Exists(path));
        Assert.Equal(DiscReason.Quitting, (await client.Completion.WaitAsync(cts.Token)).Reason);
    }

    [Fact]
    public async Task SetupConn_checks_its_arguments_and_the_server_state()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var server = new Server(ServerTestKit.Config(key));
        (TransportConnection first, _) = InMemoryTransport.CreatePair();
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.SetupConnAsync(first, inbound: true, cancellationToken: cts.Token));

        await server.StartAsync(cts.Token);
        (first, _) = InMemoryTransport.CreatePair();
        await Assert.ThrowsAsync<ArgumentException>(() => server.SetupConnAsync(first, inbound: false, cancellationToken: cts.Token));
        (first, _) = InMemoryTransport.CreatePair();
        await Assert.ThrowsAsync<ArgumentException>(() => server.SetupConnAsync(first, inbound: true, server.Self, cts.Token));

        await server.StopAsync(cts.Token);
        (first, _) = InMemoryTransport.CreatePair();
        var stopped = await Assert.ThrowsAsync<ConnectionRejectedException>(() => server.SetupConnAsync(first, inbound: true, cancellationToken: cts.Token));
        Assert.Equal(ConnectionRejection.ServerStopped, stopped.Rejection);
    }
}
