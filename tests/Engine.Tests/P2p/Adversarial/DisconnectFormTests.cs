using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Disconnect payloads in the forms clients send (and some they should not), after and instead of Hello.</summary>
public sealed class DisconnectFormTests
{
    public static TheoryData<string, byte[], DiscReason, ulong> Payloads()
    {
        var data = new TheoryData<string, byte[], DiscReason, ulong>();
        foreach (ulong version in new ulong[] { 4, 5 })
        {
            data.Add("list [0x04]", [0xc1, 0x04], DiscReason.TooManyPeers, version);
            data.Add("bare byte 0x04", [0x04], DiscReason.TooManyPeers, version);
            data.Add("empty payload", [], DiscReason.Invalid, version);
        }

        data.Add("list with a later item", [0xc2, 0x08, 0x05], DiscReason.Quitting, 5);
        data.Add("empty list", [0xc0], DiscReason.Invalid, 5);
        data.Add("reason 0x00 as the empty string", [0xc1, 0x80], DiscReason.Requested, 5);
        data.Add("unnamed reason", [0xc1, 0x0c], (DiscReason)0x0c, 5);
        data.Add("over-wide integer", [0xc3, 0x82, 0x01, 0x00], DiscReason.Invalid, 5);
        return data;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_remote_Disconnect_is_decoded_and_reported_as_requested_by_the_remote(string form, byte[] payload, DiscReason expected, ulong helloVersion)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token, helloVersion: helloVersion);
        await using (remote)
        {
            Assert.Equal(helloVersion >= 5, remote.Snappy);
            Assert.True(await remote.SendAsync(BaseProtocol.DisconnectCode, payload, cts.Token));

            // As go-ethereum: no Disconnect is echoed back, the engine just closes its side.
            List<RemoteFrame> after = await remote.ReadUntilEndAsync(cts.Token);
            Assert.DoesNotContain(after, static f => f.Code == BaseProtocol.DisconnectCode);
            Assert.True(remote.EndedCleanly);
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(expected, end.Reason);
            Assert.True(end.RequestedByRemote, form);
            Assert.Null(end.Error);
        }
    }

    [Theory]
    [InlineData(EngineRole.Recipient, new byte[] { 0xc1, 0x04 }, DiscReason.TooManyPeers)]
    [InlineData(EngineRole.Recipient, new byte[] { 0x05 }, DiscReason.AlreadyConnected)]
    [InlineData(EngineRole.Initiator, new byte[] { 0xc1, 0x0a }, DiscReason.Self)]
    [InlineData(EngineRole.Initiator, new byte[] { }, DiscReason.Invalid)]
    public async Task A_Disconnect_instead_of_Hello_fails_the_setup_with_the_remotes_reason(EngineRole role, byte[] payload, DiscReason expected)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Devp2p.Transports.TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, AdversarialKit.Options(engineKey), role, cts.Token);
            await remote.ReadHelloAsync(cts.Token);

            // Before Hello nothing is compressed.
            Assert.False(remote.Snappy);
            Assert.True(await remote.SendAsync(BaseProtocol.DisconnectCode, payload, cts.Token));

            PeerDisconnectedException error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => setup);
            Assert.Equal(expected, error.Reason);
            Assert.True(error.RequestedByRemote);
            Assert.Empty(await remote.ReadUntilEndAsync(cts.Token));
        }
    }
}
