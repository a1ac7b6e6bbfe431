using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Message codes outside every running protocol, from the remote and from our own protocol.</summary>
public sealed class MessageCodeTests
{
    private const uint FooLength = 4;

    [Theory]
    [InlineData(16 + FooLength)] // one past foo's range
    [InlineData(16 + FooLength + 100)]
    [InlineData(ulong.MaxValue)] // a 9-byte RLP msg-id
    public async Task A_code_of_no_running_protocol_ends_the_peer_with_ProtocolError(ulong code)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        var rw = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions options = AdversarialKit.Options(engineKey, PeerTestKit.Capture("foo", 1, FooLength, rw));
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token);
        await using (remote)
        {
            IMsgReadWriter side = await rw.Task.WaitAsync(cts.Token);

            // The last code of foo is fine and arrives relative to the protocol.
            Assert.True(await remote.SendAsync(16 + FooLength - 1, [0x01], cts.Token));
            using (Msg msg = await side.ReadMsgAsync(cts.Token))
            {
                Assert.Equal(FooLength - 1, msg.Code);
                Assert.Equal(new byte[] { 0x01 }, msg.Payload.ToArray());
            }

            Assert.True(await remote.SendAsync(code, [0x02], cts.Token));
            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.False(end.RequestedByRemote);
            Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), end.Error?.Message);
        }
    }

    [Fact]
    public async Task Unused_base_protocol_codes_are_ignored_as_go_ethereum_does()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token);
        await using (remote)
        {
            // A second Hello (code 0) and reserved codes 4..15 change nothing; a Ping after them is answered.
            Assert.True(await remote.SendAsync(BaseProtocol.HelloCode, [0xc0], cts.Token));
            for (ulong code = 4; code < BaseProtocol.Length; code++)
            {
                Assert.True(await remote.SendAsync(code, [0xc0], cts.Token));
            }

            Assert.True(await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token));
            RemoteFrame? pong = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(pong);
            Assert.Equal(BaseProtocol.PongCode, pong.Code);
            Assert.False(peer.Completion.IsCompleted);

            peer.Disconnect(DiscReason.Requested);
            Assert.Equal(DiscReason.Requested, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();
            await AdversarialKit.EndOf(peer);
        }
    }

    [Theory]
    [InlineData(FooLength)]
    [InlineData(FooLength + 1)]
    [InlineData(ulong.MaxValue - 15)] // would wrap to code 0 (Hello) after adding the offset 16
    [InlineData(ulong.MaxValue)]
    public async Task Writing_a_code_outside_the_protocol_throws_and_the_peer_stays_up(ulong code)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        var rw = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions options = AdversarialKit.Options(engineKey, PeerTestKit.Capture("foo", 1, FooLength, rw));
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token);
        await using (remote)
        {
            IMsgReadWriter side = await rw.Task.WaitAsync(cts.Token);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await side.WriteMsgAsync(code, new byte[] { 0xc0 }, cts.Token));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await side.SendItemsAsync(code, Array.Empty<RlpItem>(), cts.Token));

            // Nothing went out for it: the next frame the remote sees is the valid message that follows.
            await side.WriteMsgAsync(FooLength - 1, new byte[] { 0x83, 1, 2, 3 }, cts.Token);
            RemoteFrame? frame = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            Assert.Equal(16 + FooLength - 1, frame.Code);
            Assert.Equal(new byte[] { 0x83, 1, 2, 3 }, frame.Payload);

            // And the peer is up: the remote's Ping is answered, nothing has ended.
            Assert.True(await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token));
            frame = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            Assert.Equal(BaseProtocol.PongCode, frame.Code);
            Assert.False(peer.Completion.IsCompleted);

            peer.Disconnect(DiscReason.Requested);
            Assert.Equal(DiscReason.Requested, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();
            Assert.Equal(DiscReason.Requested, (await AdversarialKit.EndOf(peer)).Reason);
        }
    }
}
