using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class PeerConnectTests
{
    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task Handshake_and_hello_give_each_side_the_others_identity(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var rwA = new TaskCompletionSource<IMsgReadWriter>();
        var rwB = new TaskCompletionSource<IMsgReadWriter>();
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(kind,
            PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 4, rwA)),
            PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 1, 4, rwB)),
            cts.Token);

        Assert.Equal(keyB.PublicKey.ToHex(), a.PublicKey.ToHex());
        Assert.Equal(keyA.PublicKey.ToHex(), b.PublicKey.ToHex());
        Assert.False(a.Inbound);
        Assert.True(b.Inbound);
        Assert.Equal("test/" + keyB.PublicKey.ToHex()[..6], a.Name);
        Assert.Equal(new[] { new Cap("foo", 1) }, a.Caps.ToArray());
        Assert.True(a.RunningCap("foo", 1));
        Assert.False(a.RunningCap("foo", 2));
        if (kind != TransportKind.InMemory)
        {
            Assert.NotNull(a.RemoteAddress);
            Assert.NotNull(b.LocalAddress);
        }

        IMsgReadWriter sideA = await rwA.Task.WaitAsync(cts.Token);
        IMsgReadWriter sideB = await rwB.Task.WaitAsync(cts.Token);
        await sideA.WriteMsgAsync(3, new byte[] { 0x83, 1, 2, 3 }, cts.Token);
        using (Msg msg = await sideB.ReadMsgAsync(cts.Token))
        {
            Assert.Equal(3UL, msg.Code);
            Assert.Equal(new byte[] { 0x83, 1, 2, 3 }, msg.Payload.ToArray());
            Assert.Equal(4U, msg.Size);
        }

        a.Disconnect(DiscReason.Requested);
        PeerDisconnect endA = await PeerTestKit.EndOf(a);
        PeerDisconnect endB = await PeerTestKit.EndOf(b);
        Assert.Equal(new PeerDisconnect(DiscReason.Requested, false, null), endA);
        Assert.Equal(DiscReason.Requested, endB.Reason);
        Assert.True(endB.RequestedByRemote);
    }
}
