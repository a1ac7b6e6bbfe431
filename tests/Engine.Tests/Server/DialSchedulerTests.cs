using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>The dial state machine with the clock in the test's hand.</summary>
public sealed class DialSchedulerTests : IDisposable
{
    private const long Redial = 35_000;
    private const long MaxRedial = 300_000;

    private readonly PrivateKey _self = PrivateKey.Generate();
    private readonly PrivateKey _remote = PrivateKey.Generate();

    public void Dispose()
    {
        _self.Dispose();
        _remote.Dispose();
    }

    private DialScheduler Create(int maxDialPeers = 5, int maxActiveDials = 50, IReadOnlyList<IPNetwork>? netRestrict = null) => new(
        NodeId.FromPublicKey(_self.PublicKey),
        maxDialPeers,
        maxActiveDials,
        netRestrict,
        TimeSpan.FromMilliseconds(Redial),
        TimeSpan.FromMilliseconds(MaxRedial));

    private EnodeUrl Remote(PrivateKey? key = null) => new((key ?? _remote).PublicKey, IPAddress.Loopback, 30303, 30303);

    [Fact]
    public void Failed_static_dials_back_off_doubling_up_to_the_cap_and_success_resets()
    {
        DialScheduler scheduler = Create();
        EnodeUrl node = Remote();
        Assert.Null(scheduler.AddStatic(node));
        long now = 1_000;
        var starts = new List<long>();

        for (int attempt = 0; attempt < 6; attempt++)
        {
            // Not a moment early...
            if (scheduler.NextStaticDue(now) is { } due)
            {
                Assert.Null(scheduler.TakeStaticDials(due - 1));
                now = due;
            }

            // ...and due then.
            Assert.Equal(node, Assert.Single(scheduler.TakeStaticDials(now)!));
            starts.Add(now);
            Assert.Null(scheduler.TakeStaticDials(now));
            scheduler.DialDone(node.Id, connected: false);
        }

        long[] gaps = starts.Zip(starts.Skip(1), static (a, b) => b - a).ToArray();
        Assert.Equal(new[] { Redial, 2 * Redial, 4 * Redial, 8 * Redial, MaxRedial }, gaps);

        // A connection resets the backoff: after it drops, only the plain 35 s since the last dial apply.
        now += MaxRedial;
        Assert.Single(scheduler.TakeStaticDials(now)!);
        scheduler.PeerAdded(node.Id, DialKind.Static);
        scheduler.DialDone(node.Id, connected: true);
        scheduler.PeerRemoved(node.Id, DialKind.Static);
        Assert.Equal(now + Redial, scheduler.NextStaticDue(now + 1));
        Assert.Single(scheduler.TakeStaticDials(now + Redial)!);
    }

    [Fact]
    public void A_static_peer_that_stayed_longer_than_the_interval_is_redialled_at_once()
    {
        DialScheduler scheduler = Create();
        EnodeUrl node = Remote();
        scheduler.AddStatic(node);
        Assert.Single(scheduler.TakeStaticDials(0)!);
        scheduler.PeerAdded(node.Id, DialKind.Static);
        scheduler.DialDone(node.Id, connected: true);
        Assert.Null(scheduler.TakeStaticDials(Redial * 10));

        scheduler.PeerRemoved(node.Id, DialKind.Static);

        Assert.Single(scheduler.TakeStaticDials(Redial * 10)!);
    }

    [Fact]
    public void Free_slots_follow_go_ethereum_and_dynamic_dials_respect_the_history()
    {
        DialScheduler scheduler = Create(maxDialPeers: 3, maxActiveDials: 4);
        Assert.Equal(4, scheduler.FreeSlots); // min(3 * 2, 4)
        EnodeUrl node = Remote();

        Assert.Null(scheduler.CheckDynamic(node, 0));
        scheduler.StartDynamic(node, 0);
        Assert.Equal(3, scheduler.FreeSlots);
        Assert.Equal("already dialing", scheduler.CheckDynamic(node, 0));
        scheduler.DialDone(node.Id, connected: false);
        Assert.Equal("recently dialed", scheduler.CheckDynamic(node, Redial - 1));
        Assert.Null(scheduler.CheckDynamic(node, Redial));

        scheduler.PeerAdded(node.Id, DialKind.Dynamic);
        Assert.Equal("already connected", scheduler.CheckDynamic(node, 2 * Redial));
        Assert.Equal(1, scheduler.DialedPeers);
        Assert.Equal(4, scheduler.FreeSlots); // min(2 * 2, 4)
        scheduler.PeerAdded(Remote(_self).Id, DialKind.Inbound);
        Assert.Equal(1, scheduler.DialedPeers);
    }

    [Fact]
    public void Self_netrestricted_and_addressless_nodes_are_not_dialled()
    {
        DialScheduler scheduler = Create(netRestrict: [IPNetwork.Parse("10.0.0.0/8")]);

        Assert.Equal("is self", scheduler.AddStatic(Remote(_self)));
        Assert.Equal("not contained in netrestrict list", scheduler.AddStatic(Remote()));
        Assert.False(scheduler.IsStatic(Remote().Id));
        Assert.Equal("not contained in netrestrict list", scheduler.CheckDynamic(Remote(), 0));

        using var other = PrivateKey.Generate();
        Assert.Null(scheduler.AddStatic(new EnodeUrl(other.PublicKey)));
        Assert.Null(scheduler.TakeStaticDials(0));
        Assert.Equal("node has no address (needs discovery to resolve)", scheduler.CheckDynamic(new EnodeUrl(other.PublicKey), 0));
        Assert.Equal("node does not provide TCP port", scheduler.CheckDynamic(new EnodeUrl(other.PublicKey, IPAddress.Parse("10.1.2.3"), 0, 30303), 0));
    }

    [Fact]
    public void Removing_a_static_node_forgets_it_and_its_history()
    {
        DialScheduler scheduler = Create();
        EnodeUrl node = Remote();
        scheduler.AddStatic(node);
        Assert.Single(scheduler.TakeStaticDials(0)!);
        scheduler.DialDone(node.Id, connected: false);

        Assert.True(scheduler.RemoveStatic(node.Id));

        Assert.Null(scheduler.TakeStaticDials(Redial * 100));
        Assert.Null(scheduler.CheckDynamic(node, 1));
    }

    [Fact]
    public void Static_dials_stop_at_the_free_slots()
    {
        DialScheduler scheduler = Create(maxDialPeers: 1, maxActiveDials: 50);
        var keys = Enumerable.Range(0, 5).Select(_ => PrivateKey.Generate()).ToArray();
        try
        {
            foreach (PrivateKey k in keys)
            {
                scheduler.AddStatic(Remote(k));
            }

            Assert.Equal(2, scheduler.TakeStaticDials(0)!.Count); // (1 - 0) * 2
            Assert.Equal(0, scheduler.FreeSlots);
            Assert.Null(scheduler.TakeStaticDials(0));
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
