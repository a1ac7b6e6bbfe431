using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class PeerCapabilityTests
{
    private static Protocol Echo(string name, uint version, uint length) => new()
    {
        Name = name,
        Version = version,
        Length = length,

        // Answers every message with the same code and a payload naming this protocol's version.
        Run = async (_, rw, ct) =>
        {
            while (true)
            {
                using Msg msg = await rw.ReadMsgAsync(ct);
                await rw.SendItemsAsync(msg.Code, [name, (ulong)version], ct);
            }
        },
    };

    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task Shared_protocols_run_at_the_highest_shared_version_with_go_offsets(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var alpha = new TaskCompletionSource<IMsgReadWriter>();
        var zeta = new TaskCompletionSource<IMsgReadWriter>();

        // A: alpha/1 alpha/2 beta/1 zeta/3. B: alpha/2 alpha/3 zeta/3 gamma/1 (echoing).
        // Shared: alpha/2 (offset 16, length 5) and zeta/3 (offset 21, length 2); beta and gamma are not.
        PeerOptions a = PeerTestKit.Options(keyA,
            PeerTestKit.Capture("alpha", 1, 3, new()),
            PeerTestKit.Capture("alpha", 2, 5, alpha),
            PeerTestKit.Capture("beta", 1, 1, new()),
            PeerTestKit.Capture("zeta", 3, 2, zeta));
        PeerOptions b = PeerTestKit.Options(keyB, Echo("alpha", 2, 5), Echo("alpha", 3, 7), Echo("zeta", 3, 2), Echo("gamma", 1, 1));
        (Peer peerA, Peer peerB) = await PeerTestKit.ConnectAsync(kind, a, b, cts.Token);

        Assert.Equal(["alpha/2", "zeta/3"], peerA.RunningProtocols.Select(p => p.ToString()).ToArray());
        Assert.Equal(["alpha/2", "zeta/3"], peerB.RunningProtocols.Select(p => p.ToString()).ToArray());

        IMsgReadWriter alphaRw = await alpha.Task.WaitAsync(cts.Token);
        IMsgReadWriter zetaRw = await zeta.Task.WaitAsync(cts.Token);
        await alphaRw.SendItemsAsync(4, [7UL]);
        await zetaRw.SendItemsAsync(1, [7UL]);
        await alphaRw.ExpectMsgAsync(4, new RlpItemListForTest("alpha", 2), cts.Token);
        await zetaRw.ExpectMsgAsync(1, new RlpItemListForTest("zeta", 3), cts.Token);

        // Codes beyond a protocol's length are refused on send.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await zetaRw.WriteMsgAsync(2, new byte[] { 0xC0 }, cts.Token));
        peerA.Disconnect(DiscReason.Requested);
        await PeerTestKit.EndOf(peerB);
    }

    [Fact]
    public async Task No_shared_capability_gives_UselessPeer()
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        (var dialer, var listener) = await PeerTestKit.CreateTransportPairAsync(TransportKind.InMemory, cts.Token);
        Task<Peer> inbound = Peer.ConnectAsync(listener, PeerTestKit.Options(keyB, PeerTestKit.Capture("foo", 2, 1, new())), null, cts.Token);
        Task<Peer> outbound = Peer.ConnectAsync(dialer, PeerTestKit.Options(keyA, PeerTestKit.Capture("foo", 1, 1, new())), keyB.PublicKey, cts.Token);

        var errorA = await Assert.ThrowsAsync<PeerDisconnectedException>(() => outbound);
        var errorB = await Assert.ThrowsAsync<PeerDisconnectedException>(() => inbound);
        Assert.Equal(DiscReason.UselessPeer, errorA.Reason);
        Assert.Equal(DiscReason.UselessPeer, errorB.Reason);
    }

    /// <summary>The expected echo: the list [name, version].</summary>
    private readonly struct RlpItemListForTest(string name, ulong version) : Devp2p.Framing.Rlp.IRlpEncodable
    {
        public int GetRlpLength() => Devp2p.Framing.Rlp.RlpCodec.GetListLength(ContentLength);

        private int ContentLength => Devp2p.Framing.Rlp.RlpCodec.GetStringLength(name) + Devp2p.Framing.Rlp.RlpCodec.GetIntegerLength(version);

        public void Encode(ref Devp2p.Framing.Rlp.RlpWriter writer)
        {
            writer.WriteListHeader(ContentLength);
            writer.WriteString(name);
            writer.WriteUInt64(version);
        }
    }
}
