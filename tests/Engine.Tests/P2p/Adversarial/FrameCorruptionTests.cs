using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Frames altered in transit after a good handshake: the engine must answer with Disconnect(ProtocolError).</summary>
public sealed class FrameCorruptionTests
{
    /// <summary>Where a bit is flipped in a sealed Ping frame (32-byte header, 16 bytes of data, 16-byte frame-mac).</summary>
    public static TheoryData<string, int, string> Corruptions() => new()
    {
        { "header ciphertext", 0, "header-mac" },
        { "header-mac", 16, "header-mac" },
        { "frame ciphertext", 32, "frame-mac" },
        { "frame-mac", -1, "frame-mac" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_flipped_bit_ends_the_peer_with_ProtocolError_and_the_remote_is_told(string where, int offset, string field)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token);
        await using (remote)
        {
            Assert.True(remote.Snappy);

            // The session is sound: an intact Ping is answered with a Pong.
            Assert.True(await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token));
            RemoteFrame? pong = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(pong);
            Assert.Equal(BaseProtocol.PongCode, pong.Code);
            Assert.Equal(new byte[] { 0xc0 }, pong.Payload);

            byte[] frame = remote.Seal(BaseProtocol.PingCode, [0xc0]);
            Assert.Equal(64, frame.Length);
            Assert.True(await remote.WriteRawAsync(ManualRemote.Corrupt(frame, offset), cts.Token));

            // The Disconnect comes snappy-compressed (both Hellos said v5), before the connection closes.
            DiscReason sent = await remote.ExpectDisconnectAsync(cts.Token);
            Assert.Equal(DiscReason.ProtocolError, sent);
            Assert.Empty(await remote.ReadUntilEndAsync(cts.Token));
            Assert.True(remote.EndedCleanly, $"{where}: the engine reset instead of closing after its Disconnect");
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.False(end.RequestedByRemote);
            FrameException error = Assert.IsType<FrameException>(end.Error);
            Assert.Equal(field, error.Field);
        }
    }

    [Fact]
    public async Task Random_bytes_instead_of_a_frame_end_the_peer_with_ProtocolError()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token, role: EngineRole.Initiator);
        await using (remote)
        {
            byte[] garbage = new byte[100];
            new Random(11).NextBytes(garbage);
            Assert.True(await remote.WriteRawAsync(garbage, cts.Token));
            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.Equal("header-mac", Assert.IsType<FrameException>(end.Error).Field);
        }
    }
}
