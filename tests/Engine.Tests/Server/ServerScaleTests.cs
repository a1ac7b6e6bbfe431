using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

public sealed class ServerScaleTests
{
    [Fact]
    public async Task One_hundred_peers_connect_to_one_server_over_loopback()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        const int Count = 100;
        var config = ServerTestKit.Config(key) with { MaxPeers = Count, NoDial = true };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        var keys = Enumerable.Range(0, Count).Select(_ => PrivateKey.Generate()).ToArray();
        try
        {
            // At most MaxPendingPeers (50) handshakes may run at once; more would be closed on accept, by design.
            using var inFlight = new SemaphoreSlim(25);
            Peer[] clients = await Task.WhenAll(keys.Select(k => Task.Run(async () =>
            {
                await inFlight.WaitAsync(cts.Token);
                try
                {
                    return await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(k), cts.Token);
                }
                finally
                {
                    inFlight.Release();
                }
            })));

            await ServerTestKit.WaitUntilAsync(() => server.PeerCount == Count, "every peer is added", cts.Token);
            Assert.Equal(Count, server.PeersInfo().Select(static p => p.Id).Distinct().Count());

            // Every connection is live: a round trip on each.
            await Task.WhenAll(clients.Select(c => c.PingAsync(cts.Token)));

            await server.StopAsync(cts.Token);
            PeerDisconnect[] ends = await Task.WhenAll(clients.Select(static c => c.Completion));
            Assert.All(ends, static e => Assert.Equal(DiscReason.Quitting, e.Reason));
        }
        finally
        {
            foreach (PrivateKey k in keys)
            {
                k.Dispose();
            }
        }
    }
}
