using System.Collections.Immutable;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Hellos that lie about the identity, are too large, or are not Hellos at all.</summary>
public sealed class HelloAttackTests
{
    [Theory]
    [InlineData(EngineRole.Recipient)]
    [InlineData(EngineRole.Initiator)]
    public async Task A_Hello_with_another_node_ID_is_refused_with_UnexpectedIdentity(EngineRole role)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        using var otherKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, AdversarialKit.Options(engineKey), role, cts.Token);
            Assert.True(await remote.SendHelloAsync(5, [], cts.Token, nodeId: otherKey.PublicKey));
            await remote.ReadHelloAsync(cts.Token);

            // The refusal is sent before snappy would be switched on: the Disconnect is plain.
            Assert.Equal(DiscReason.UnexpectedIdentity, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnectedException error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => setup);
            Assert.Equal(DiscReason.UnexpectedIdentity, error.Reason);
            Assert.False(error.RequestedByRemote);
        }
    }

    [Fact]
    public async Task A_Hello_over_2_KiB_is_refused_with_ProtocolError_while_one_just_under_is_accepted()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        PeerOptions options = AdversarialKit.Options(engineKey);

        // Just under the limit: a long client name, accepted.
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, options, EngineRole.Recipient, cts.Token);
            string name = NameForHelloOfSize(Hello.MaxMessageSize, remoteKey.PublicKey);
            Assert.True(await remote.SendHelloAsync(5, [], cts.Token, name: name));
            await remote.ReadHelloAsync(cts.Token);
            Peer peer = await setup.WaitAsync(cts.Token);
            Assert.Equal(name, peer.Name);
            peer.Disconnect(DiscReason.Requested);
            remote.Snappy = true;
            Assert.Equal(DiscReason.Requested, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();
            await AdversarialKit.EndOf(peer);
        }

        // One byte more: refused.
        (engineSide, remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, options, EngineRole.Recipient, cts.Token);
            Assert.True(await remote.SendHelloAsync(5, [], cts.Token, name: NameForHelloOfSize(Hello.MaxMessageSize + 1, remoteKey.PublicKey)));
            await remote.ReadHelloAsync(cts.Token);
            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnectedException error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => setup);
            Assert.Equal(DiscReason.ProtocolError, error.Reason);
            Assert.False(error.RequestedByRemote);
        }
    }

    [Theory]
    [InlineData("ping first", BaseProtocol.PingCode, new byte[] { 0xc0 }, DiscReason.ProtocolError)]
    [InlineData("protocol message first", 16, new byte[] { 0xc0 }, DiscReason.ProtocolError)]
    [InlineData("hello that is not a list", BaseProtocol.HelloCode, new byte[] { 0x83, 1, 2, 3 }, DiscReason.ProtocolError)]
    [InlineData("hello missing the node id", BaseProtocol.HelloCode, new byte[] { 0xc4, 0x05, 0x80, 0xc0, 0x80 }, DiscReason.ProtocolError)]
    public async Task Anything_but_a_valid_Hello_first_is_refused(string name, ulong code, byte[] payload, DiscReason expected)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, AdversarialKit.Options(engineKey), EngineRole.Recipient, cts.Token);
            Assert.True(await remote.SendAsync(code, payload, cts.Token));
            await remote.ReadHelloAsync(cts.Token);
            Assert.Equal(expected, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnectedException error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => setup);
            Assert.Equal(expected, error.Reason);
            Assert.False(error.RequestedByRemote, name);
        }
    }

    [Fact]
    public async Task A_Hello_whose_node_ID_is_not_a_curve_point_is_refused_with_InvalidIdentity()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, AdversarialKit.Options(engineKey), EngineRole.Recipient, cts.Token);

            // [5, "x", [], 0, 64 zero bytes]: right shape, but (0, 0) is not on secp256k1.
            byte[] hello = [0xf8, 0x46, 0x05, 0x78, 0xc0, 0x80, 0xb8, 0x40, .. new byte[64]];
            Assert.True(await remote.SendAsync(BaseProtocol.HelloCode, hello, cts.Token));
            await remote.ReadHelloAsync(cts.Token);
            Assert.Equal(DiscReason.InvalidIdentity, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnectedException error = await Assert.ThrowsAsync<PeerDisconnectedException>(() => setup);
            Assert.Equal(DiscReason.InvalidIdentity, error.Reason);
        }
    }

    /// <summary>A client name that makes our Hello (v5, no caps, port 0) exactly <paramref name="size"/> bytes.</summary>
    private static string NameForHelloOfSize(int size, PublicKey nodeId)
    {
        for (int length = size; length > 0; length--)
        {
            string name = new('n', length);
            var hello = new Hello(5, name, ImmutableArray<Cap>.Empty, 0, nodeId);
            int encoded = RlpCodec.EncodeToArray(hello).Length;
            if (encoded == size)
            {
                return name;
            }

            if (encoded < size)
            {
                break;
            }
        }

        throw new InvalidOperationException($"No client name gives a Hello of exactly {size} bytes.");
    }
}
