using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>Static and dynamic dialling, AddPeer/RemovePeer and NoDial.</summary>
public sealed class ServerDialTests
{
    [Fact]
    public async Task Static_nodes_are_dialled_at_start()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        await using Server remote = await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token);
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key) with { StaticNodes = [remote.Self] }, cts.Token);

        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1 && remote.PeerCount == 1, "the static node is connected", cts.Token);

        Peer peer = server.Peers[0];
        Assert.Equal(remoteKey.PublicKey, peer.PublicKey);
        Assert.False(peer.Inbound);
        Assert.True(peer.IsStatic);
        Assert.True(remote.Peers[0].Inbound);
    }

    [Fact]
    public async Task A_static_node_is_redialled_after_it_restarts()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        Server remote = await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token);
        EnodeUrl remoteNode = remote.Self;
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        var events = server.SubscribeEvents(cancellationToken: cts.Token);
        server.AddPeer(remoteNode);
        await ServerTestKit.NextAsync(events, static e => e.Type == PeerEventType.Add, cts.Token);

        // The remote goes away (its peers get "client quitting")...
        await remote.StopAsync(cts.Token);
        PeerEvent drop = await ServerTestKit.NextAsync(events, static e => e.Type == PeerEventType.Drop, cts.Token);
        Assert.Equal(DiscReason.Quitting, drop.Reason);
        Assert.Equal(0, server.PeerCount);

        // ...and comes back on the same port; the server dials it again without being told.
        await using Server restarted = await ServerTestKit.StartAsync(
            ServerTestKit.Config(remoteKey) with { ListenAddr = $"127.0.0.1:{remoteNode.TcpPort}" },
            cts.Token);
        PeerEvent again = await ServerTestKit.NextAsync(events, static e => e.Type == PeerEventType.Add, cts.Token);
        Assert.Equal(remoteNode.Id, again.Peer);
        await ServerTestKit.WaitUntilAsync(() => restarted.PeerCount == 1, "the restarted node sees the peer", cts.Token);
        Assert.True(server.Peers[0].IsStatic);
    }

    [Fact]
    public async Task A_failing_static_dial_is_retried_with_backoff()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        var dialer = new ServerTestKit.CountingDialer();

        // Nothing listens on the port, so every dial fails at once.
        int deadPort;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var config = ServerTestKit.Config(key) with
        {
            Dialer = dialer,
            RedialInterval = TimeSpan.FromMilliseconds(60),
            MaxRedialInterval = TimeSpan.FromMilliseconds(240),
            StaticNodes = [new EnodeUrl(remoteKey.PublicKey, IPAddress.Loopback, deadPort, deadPort)],
        };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        await ServerTestKit.WaitUntilAsync(() => dialer.Calls >= 5, "five dials were made", cts.Token);

        // The server never dials early: the gaps are at least 60, 120, 240, 240 ms. The times are
        // taken when the dialer runs, a thread-pool hop after the loop decided to dial, so one late
        // hop makes the next gap look short by that much: each gap gets 25 ms of slack, and the
        // whole run (660 ms of backoff) may not be more than 25 ms short. The exact schedule is
        // checked in DialSchedulerTests.
        long[] times = dialer.Times.ToArray();
        long[] minimum = [60, 120, 240, 240];
        for (int i = 0; i < minimum.Length; i++)
        {
            long gap = times[i + 1] - times[i];
            Assert.True(gap >= minimum[i] - 25, $"dial {i + 2} came {gap} ms after dial {i + 1}; the backoff asks for {minimum[i]} ms");
        }

        long total = times[minimum.Length] - times[0];
        Assert.True(total >= minimum.Sum() - 25, $"five dials took {total} ms; the backoff asks for {minimum.Sum()} ms");
    }

    [Fact]
    public async Task AddPeer_dials_and_RemovePeer_disconnects_without_redialling()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        await using Server remote = await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token);
        var remoteEvents = remote.SubscribeEvents(cancellationToken: cts.Token);
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);

        server.AddPeer(remote.Self);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "AddPeer connects", cts.Token);

        await server.RemovePeerAsync(remote.Self, cts.Token);
        Assert.Equal(0, server.PeerCount);
        PeerEvent drop = await ServerTestKit.NextAsync(remoteEvents, static e => e.Type == PeerEventType.Drop, cts.Token);
        Assert.Equal(DiscReason.Requested, drop.Reason);
        Assert.Equal("disconnect requested (remote)", drop.Error);

        // Well past the redial interval, it stays disconnected.
        await Task.Delay(600, cts.Token);
        Assert.Equal(0, server.PeerCount);
        Assert.Equal(0, remote.PeerCount);
    }

    [Fact]
    public async Task NoDial_dials_nothing()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        await using Server remote = await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token);
        var dialer = new ServerTestKit.CountingDialer();
        var source = new ServerTestKit.ListSource([remote.Self]);
        var config = ServerTestKit.Config(key) with { NoDial = true, Dialer = dialer, StaticNodes = [remote.Self], NodeSource = source };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        server.AddPeer(remote.Self);

        await Task.Delay(400, cts.Token);
        Assert.Equal(0, dialer.Calls);
        Assert.Equal(0, source.Taken);
        Assert.Equal(0, server.PeerCount);
        Assert.Equal(0, server.MaxDialedConns);
    }

    [Fact]
    public async Task Dynamic_dials_from_the_node_source_stop_at_max_peers_over_dial_ratio()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var remoteKeys = Enumerable.Range(0, 5).Select(_ => PrivateKey.Generate()).ToArray();
        var remotes = new List<Server>();
        try
        {
            foreach (PrivateKey remoteKey in remoteKeys)
            {
                remotes.Add(await ServerTestKit.StartAsync(ServerTestKit.Config(remoteKey), cts.Token));
            }

            var source = new ServerTestKit.ListSource(remotes.Select(static r => r.Self).ToArray());
            var log = new TestLoggerFactory();
            var config = ServerTestKit.Config(key) with { MaxPeers = 6, DialRatio = 3, NodeSource = source, LoggerFactory = log };
            await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

            await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 2, "two dynamic peers connect", cts.Token, log.ToString);
            await Task.Delay(500, cts.Token);
            Assert.Equal(2, server.PeerCount);
            Assert.All(server.Peers, static p => Assert.False(p.Inbound || p.IsStatic));
        }
        finally
        {
            foreach (Server remote in remotes)
            {
                await remote.DisposeAsync();
            }

            foreach (PrivateKey remoteKey in remoteKeys)
            {
                remoteKey.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_static_node_that_is_self_is_dropped_from_the_list()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var dialer = new ServerTestKit.CountingDialer();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key) with { Dialer = dialer }, cts.Token);

        server.AddPeer(server.Self);

        await Task.Delay(300, cts.Token);
        Assert.Equal(0, dialer.Calls);
        Assert.Equal(0, server.PeerCount);
    }
}
