using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>Stop: every peer gets DiscQuitting, the call is idempotent, and it races connects safely.</summary>
public sealed class ServerStopTests
{
    [Fact]
    public async Task Stop_disconnects_every_peer_with_quitting_and_waits_for_their_protocols()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        int running = 0;
        var tracked = new Protocol
        {
            Name = "hold",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                Interlocked.Increment(ref running);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    // Slow cleanup: Stop must wait for it.
                    await Task.Delay(100, CancellationToken.None);
                    Interlocked.Decrement(ref running);
                }
            },
        };
        Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key, tracked), cts.Token);
        var clients = new List<Peer>();
        var keys = Enumerable.Range(0, 3).Select(_ => PrivateKey.Generate()).ToArray();
        foreach (PrivateKey clientKey in keys)
        {
            clients.Add(await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token));
        }

        await ServerTestKit.WaitUntilAsync(() => Volatile.Read(ref running) == 3, "every protocol runs", cts.Token);

        await server.StopAsync(cts.Token);

        Assert.Equal(0, Volatile.Read(ref running));
        Assert.Equal(0, server.PeerCount);
        Assert.False(server.IsRunning);
        foreach (Peer client in clients)
        {
            PeerDisconnect end = await client.Completion.WaitAsync(cts.Token);
            Assert.Equal(DiscReason.Quitting, end.Reason);
            Assert.True(end.RequestedByRemote);
        }

        foreach (PrivateKey k in keys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public async Task Stop_is_idempotent_and_concurrent_calls_wait_for_the_same_stop()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var clientKey = PrivateKey.Generate();
        Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        Peer client = await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1, "the peer is added", cts.Token);

        Task[] stops = Enumerable.Range(0, 8).Select(_ => Task.Run(() => server.StopAsync(cts.Token))).ToArray();
        await Task.WhenAll(stops);
        server.Stop();
        await server.DisposeAsync();

        Assert.True(client.Completion.IsCompleted || (await client.Completion.WaitAsync(cts.Token)).Reason == DiscReason.Quitting);
        Assert.Equal(0, server.PeerCount);
    }

    [Fact]
    public async Task Stop_while_connections_are_being_set_up_leaves_no_peer_behind()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);
        var events = server.SubscribeEvents(cancellationToken: cts.Token);
        var keys = Enumerable.Range(0, 30).Select(_ => PrivateKey.Generate()).ToArray();

        // Clients over TCP and over in-memory pipes handed to SetupConn, all racing the stop.
        var clients = new List<Task<Peer>>();
        var handed = new List<Task<Peer>>();
        for (int i = 0; i < keys.Length; i++)
        {
            PeerOptions options = ServerTestKit.ClientOptions(keys[i]);
            if (i % 2 == 0)
            {
                clients.Add(Task.Run(() => ServerTestKit.ConnectClientAsync(server, options, cts.Token)));
            }
            else
            {
                (TransportConnection mine, TransportConnection theirs) = InMemoryTransport.CreatePair();
                clients.Add(Task.Run(() => Peer.ConnectAsync(theirs, options, key.PublicKey, cts.Token)));
                handed.Add(Task.Run(() => server.SetupConnAsync(mine, inbound: true, cancellationToken: cts.Token)));
            }
        }

        await Task.Delay(15, cts.Token);
        await server.StopAsync(cts.Token);

        Assert.Equal(0, server.PeerCount);

        // Every client either was refused or got connected and then disconnected; none stays up.
        foreach (Task<Peer> client in clients)
        {
            try
            {
                Peer peer = await client.WaitAsync(cts.Token);
                PeerDisconnect end = await peer.Completion.WaitAsync(cts.Token);
                Assert.Equal(DiscReason.Quitting, end.Reason);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // Refused or cut off during setup.
            }
        }

        foreach (Task<Peer> setup in handed)
        {
            try
            {
                Peer peer = await setup.WaitAsync(cts.Token);
                Assert.True(peer.Completion.IsCompleted);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or OperationCanceledException)
            {
                // ConnectionRejectedException, PeerDisconnectedException (Quitting) or the aborted handshake.
            }
        }

        // Each add event has its drop, and the stream completes.
        var added = new HashSet<NodeId>();
        var dropped = new HashSet<NodeId>();
        await foreach (PeerEvent e in events.ReadAllAsync(cts.Token))
        {
            (e.Type == PeerEventType.Add ? added : dropped).Add(e.Peer);
        }

        Assert.Equal(added, dropped);
        foreach (PrivateKey k in keys)
        {
            k.Dispose();
        }
    }
}
