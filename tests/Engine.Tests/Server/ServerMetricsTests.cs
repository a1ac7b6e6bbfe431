using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

[CollectionDefinition(nameof(ServerMetricsTests), DisableParallelization = true)]
public sealed class ServerMetricsCollection
{
}

/// <summary>The "Devp2p.Server" meter. Runs alone so the process-wide counters see only this test's servers.</summary>
[Collection(nameof(ServerMetricsTests))]
public sealed class ServerMetricsTests
{
    [Fact]
    public async Task Peers_dials_refusals_and_traffic_are_counted()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var dialerKey = PrivateKey.Generate();
        using var refusedKey = PrivateKey.Generate();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, l) =>
            {
                if (instrument.Meter.Name == "Devp2p.Server")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string name = instrument.Name;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                name += $"[{tag.Key}={tag.Value}]";
            }

            totals.AddOrUpdate(name, value, (_, old) => old + value);
        });
        listener.Start();

        const int Messages = 10;
        var sent = new TaskCompletionSource();
        var talk = new Protocol
        {
            Name = "talk",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                for (int i = 0; i < Messages; i++)
                {
                    await rw.WriteMsgAsync(0, new byte[] { 0x82, 1, 2 }, ct);
                }

                for (int i = 0; i < Messages; i++)
                {
                    (await rw.ReadMsgAsync(ct)).Dispose();
                }

                sent.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
        };

        // The first server takes one inbound peer at most; the second dials it.
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key, talk) with { MaxPeers = 1, NoDial = true }, cts.Token);
        await using Server dialer = await ServerTestKit.StartAsync(ServerTestKit.Config(dialerKey, talk) with { StaticNodes = [server.Self] }, cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 1 && dialer.PeerCount == 1, "the dial connects", cts.Token);
        await sent.Task.WaitAsync(cts.Token);
        await ServerTestKit.WaitUntilAsync(() => Get(totals, "devp2p.server.messages.in") == 2 * Messages, "both sides count every message", cts.Token);
        await ServerTestKit.ExpectRefusedAsync(server, ServerTestKit.ClientOptions(refusedKey), DiscReason.TooManyPeers, cts.Token);

        listener.RecordObservableInstruments();
        Assert.Equal(1, Get(totals, "devp2p.server.peers[direction=inbound]"));
        Assert.Equal(1, Get(totals, "devp2p.server.peers[direction=outbound]"));
        Assert.Equal(1, Get(totals, "devp2p.server.dials[outcome=connected]"));
        Assert.Equal(1, Get(totals, "devp2p.server.handshake_failures[reason=too many peers]"));
        Assert.Equal(2, Get(totals, "devp2p.server.inbound_connections[outcome=accepted]")); // the dial and the refused client
        Assert.Equal(2 * Messages, Get(totals, "devp2p.server.messages.out"));
        Assert.Equal(2 * Messages * 3, Get(totals, "devp2p.server.bytes.in"));
        Assert.Equal(2 * Messages * 3, Get(totals, "devp2p.server.bytes.out"));

        await dialer.StopAsync(cts.Token);
        await server.StopAsync(cts.Token);
        Assert.Equal(0, Get(totals, "devp2p.server.peers[direction=inbound]"));
        Assert.Equal(0, Get(totals, "devp2p.server.peers[direction=outbound]"));
    }

    private static long Get(ConcurrentDictionary<string, long> totals, string name) => totals.TryGetValue(name, out long value) ? value : 0;
}
