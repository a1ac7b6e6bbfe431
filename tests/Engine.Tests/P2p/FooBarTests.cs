using Devp2p.Crypto;
using Devp2p.Samples.FooBar;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary>The sample's protocol (the go-ethereum tutorial's) between two peers on every transport.</summary>
public sealed class FooBarTests
{
    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task Foo_is_answered_with_bar_on_both_sides(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var barAtA = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var barAtB = new TaskCompletionSource<Peer>(TaskCreationOptions.RunContinuationsAsynchronously);
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(kind,
            PeerTestKit.Options(keyA, FooBarProtocol.Create(p => barAtA.TrySetResult(p))),
            PeerTestKit.Options(keyB, FooBarProtocol.Create(p => barAtB.TrySetResult(p))),
            cts.Token);

        Assert.Same(a, await barAtA.Task.WaitAsync(cts.Token));
        Assert.Same(b, await barAtB.Task.WaitAsync(cts.Token));
        a.Disconnect(DiscReason.Requested);
        Assert.Equal(new PeerDisconnect(DiscReason.Requested, true, null), await PeerTestKit.EndOf(b));
    }

    [Fact]
    public async Task An_unknown_word_ends_the_peer_with_a_subprotocol_error()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var rogue = new TaskCompletionSource<IMsgReadWriter>();
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(TransportKind.InMemory,
            PeerTestKit.Options(keyA, FooBarProtocol.Create(_ => { })),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("MyProtocol", 1, 1, rogue)),
            cts.Token);
        IMsgReadWriter rw = await rogue.Task.WaitAsync(cts.Token);
        await rw.SendAsync(FooBarProtocol.MessageCode, new FooBarMessage("baz"), cts.Token);

        PeerDisconnect end = await PeerTestKit.EndOf(a);
        Assert.Equal(DiscReason.SubprotocolError, end.Reason);
        Assert.Contains("baz", end.Error?.Message);
        Assert.Equal(DiscReason.SubprotocolError, (await PeerTestKit.EndOf(b)).Reason);
    }
}
