using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class PeerLifecycleTests
{
    public static TheoryData<DiscReason> WireReasons()
    {
        var data = new TheoryData<DiscReason>();
        foreach (DiscReason reason in Enum.GetValues<DiscReason>())
        {
            if (reason != DiscReason.Invalid)
            {
                data.Add(reason);
            }
        }

        // A value with no name travels as is.
        data.Add((DiscReason)0x0c);
        return data;
    }

    [Theory]
    [MemberData(nameof(WireReasons))]
    public async Task Every_disconnect_reason_arrives_on_the_other_side(DiscReason reason)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var rwB = new TaskCompletionSource<IMsgReadWriter>();
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 1, new())),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 1, 1, rwB)),
            cts.Token);
        IMsgReadWriter sideB = await rwB.Task.WaitAsync(cts.Token);
        ValueTask<Msg> pendingRead = sideB.ReadMsgAsync(cts.Token);

        a.Disconnect(reason);

        PeerDisconnect endA = await PeerTestKit.EndOf(a);
        PeerDisconnect endB = await PeerTestKit.EndOf(b);
        Assert.Equal(reason, endA.Reason);
        Assert.False(endA.RequestedByRemote);
        Assert.Equal(reason, endB.Reason);
        Assert.True(endB.RequestedByRemote);

        // A protocol blocked in a read learns the reason.
        var error = await Assert.ThrowsAsync<PeerDisconnectedException>(async () => await pendingRead);
        Assert.Equal(reason, error.Reason);
        Assert.True(error.RequestedByRemote);
    }

    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task Pings_are_sent_on_the_interval_and_answered(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        PeerOptions a = PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 1, new())) with { PingInterval = TimeSpan.FromMilliseconds(40) };
        PeerOptions b = PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 1, 1, new())) with { PingInterval = TimeSpan.FromMilliseconds(40) };
        (Peer peerA, Peer peerB) = await PeerTestKit.ConnectAsync(kind, a, b, cts.Token);

        while (peerA.PongsReceived < 2 || peerB.PongsReceived < 2)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.True(peerA.PingsReceived >= 2);
        Assert.True(peerB.PingsReceived >= 2);

        TimeSpan rtt = await peerA.PingAsync(cts.Token);
        Assert.True(rtt > TimeSpan.Zero && rtt < PeerTestKit.TestTimeout);
        peerA.Disconnect(DiscReason.Requested);
        await PeerTestKit.EndOf(peerB);
    }

    [Fact]
    public async Task Read_timeout_drops_a_silent_peer_with_ReadTimeout()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();

        // B never pings, so A hears nothing after the Hello and times out.
        PeerOptions a = PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 1, new())) with { FrameReadTimeout = TimeSpan.FromMilliseconds(250) };
        PeerOptions b = PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 1, 1, new())) with { PingInterval = TimeSpan.FromHours(1) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        (Peer peerA, Peer peerB) = await PeerTestKit.ConnectAsync(TransportKind.InMemory, a, b, cts.Token);

        PeerDisconnect endA = await PeerTestKit.EndOf(peerA);
        Assert.Equal(DiscReason.ReadTimeout, endA.Reason);
        Assert.IsType<TimeoutException>(endA.Error);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250));
        PeerDisconnect endB = await PeerTestKit.EndOf(peerB);
        Assert.Equal(new PeerDisconnect(DiscReason.ReadTimeout, true, null), endB);
    }

    [Fact]
    public async Task Run_returning_disconnects_with_Quitting_and_throwing_with_SubprotocolError()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var returns = new Protocol { Name = "ret", Version = 1, Length = 1, Run = (_, _, _) => Task.CompletedTask };
        (Peer a1, Peer b1) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, returns),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("ret", 1, 1, new())),
            cts.Token);
        Assert.Equal(DiscReason.Quitting, (await PeerTestKit.EndOf(a1)).Reason);
        Assert.Equal(new PeerDisconnect(DiscReason.Quitting, true, null), await PeerTestKit.EndOf(b1));

        var throws = new Protocol { Name = "ret", Version = 1, Length = 1, Run = (_, _, _) => throw new InvalidOperationException("boom") };
        (Peer a2, Peer b2) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, throws),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("ret", 1, 1, new())),
            cts.Token);
        PeerDisconnect end = await PeerTestKit.EndOf(a2);
        Assert.Equal(DiscReason.SubprotocolError, end.Reason);
        Assert.Equal("boom", end.Error?.Message);
        Assert.Equal(new PeerDisconnect(DiscReason.SubprotocolError, true, null), await PeerTestKit.EndOf(b2));

        var chooses = new Protocol { Name = "ret", Version = 1, Length = 1, Run = (_, _, _) => throw new PeerDisconnectedException(DiscReason.UselessPeer) };
        (Peer a3, Peer b3) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, chooses),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("ret", 1, 1, new())),
            cts.Token);
        Assert.Equal(DiscReason.UselessPeer, (await PeerTestKit.EndOf(a3)).Reason);
        Assert.Equal(DiscReason.UselessPeer, (await PeerTestKit.EndOf(b3)).Reason);
    }

    [Fact]
    public async Task Disconnect_returns_at_once_and_Completion_waits_for_the_protocols()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var runEnded = new TaskCompletionSource();
        var slow = new Protocol
        {
            Name = "slow", Version = 1, Length = 1,
            Run = async (_, rw, ct) =>
            {
                try
                {
                    await rw.ReadMsgAsync(ct);
                }
                catch (PeerDisconnectedException)
                {
                    await Task.Delay(100, CancellationToken.None);
                    runEnded.SetResult();
                    throw;
                }
            },
        };
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, slow),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("slow", 1, 1, new())),
            cts.Token);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        a.Disconnect(DiscReason.TooManyPeers);
        Assert.True(watch.ElapsedMilliseconds < 50);
        Assert.False(runEnded.Task.IsCompleted);

        PeerDisconnect end = await PeerTestKit.EndOf(a);
        Assert.True(runEnded.Task.IsCompleted);
        Assert.Equal(DiscReason.TooManyPeers, end.Reason);
        Assert.Equal(DiscReason.TooManyPeers, (await PeerTestKit.EndOf(b)).Reason);
    }
}
