using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Remotes that break or stall the RLPx handshake and the Hello exchange.</summary>
public sealed class HandshakeAttackTests
{
    /// <summary>Well under the handshake timeout the options set (5 s): a rejection must not wait for it.</summary>
    private static readonly TimeSpan QuickRejection = AdversarialKit.SchedulingSlack;

    private static readonly TimeSpan ShortHandshakeTimeout = TimeSpan.FromMilliseconds(300);

    public static TheoryData<string, byte[]> GarbageAuths()
    {
        var random = new Random(7);
        byte[] eip8Looking = new byte[300];
        random.NextBytes(eip8Looking);
        eip8Looking[0] = 0x01; // size 0x012c = 300 - 2: a plausible EIP-8 prefix
        eip8Looking[1] = 0x2a;
        eip8Looking[2] = 0xff; // but not an ECIES message (0x04)

        byte[] legacyLooking = new byte[307];
        random.NextBytes(legacyLooking);
        legacyLooking[0] = 0x04; // legacy ECIES prefix, then garbage where the ephemeral key goes
        legacyLooking[2] = 0x33;

        byte[] eip8Garbage = new byte[302];
        random.NextBytes(eip8Garbage);
        eip8Garbage[0] = 0x01; // size 300, ECIES prefix, garbage ciphertext: fails the ECIES tag
        eip8Garbage[1] = 0x2c;
        eip8Garbage[2] = 0x04;

        return new TheoryData<string, byte[]>
        {
            { "eip8-prefix-not-ecies", eip8Looking },
            { "legacy-garbage", legacyLooking },
            { "eip8-garbage-ciphertext", eip8Garbage },
            { "huge-eip8-size", [0xff, 0xff] },
            { "eip8-size-one-over-limit", [0x07, 0xff] }, // 2047 + 2 > 2048
            { "eip8-size-below-ecies-overhead", [0x00, 0x10] },
        };
    }

    [Theory]
    [MemberData(nameof(GarbageAuths))]
    public async Task Garbage_instead_of_an_auth_fails_the_recipient_at_once(string name, byte[] garbage)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = Peer.ConnectAsync(engineSide, AdversarialKit.Options(engineKey), null, cts.Token);

            // Only the garbage; the connection stays open, so the failure cannot be the end of the stream.
            Assert.True(await remote.WriteRawAsync(garbage, cts.Token));
            (HandshakeException error, TimeSpan elapsed) = await AdversarialKit.ThrowsTimedAsync<HandshakeException>(() => setup);

            Assert.True(elapsed < QuickRejection, $"{name}: rejected after {elapsed.TotalMilliseconds:0} ms");
            Assert.False(string.IsNullOrEmpty(error.Field), name);

            // The engine closed its side: the remote sees end-of-stream and got no ack.
            Assert.True(await remote.DrainRawUntilEndAsync(cts.Token), name);
        }
    }

    [Fact]
    public async Task A_huge_size_prefix_is_rejected_before_its_body_while_a_valid_one_waits()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        PeerOptions options = AdversarialKit.Options(engineKey) with { HandshakeTimeout = ShortHandshakeTimeout };

        // Control: the largest allowed size (2046 + 2 = 2048) with an ECIES start must be waited for.
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = Peer.ConnectAsync(engineSide, options, null, cts.Token);
            Assert.True(await remote.WriteRawAsync(new byte[] { 0x07, 0xfe, 0x04 }, cts.Token));
            (_, TimeSpan waited) = await AdversarialKit.ThrowsTimedAsync<TimeoutException>(() => setup);
            Assert.True(waited >= ShortHandshakeTimeout * 0.9, $"gave up after {waited.TotalMilliseconds:0} ms");
        }

        // One byte more announced: refused on the two size bytes (a 5 s timeout would otherwise apply).
        (engineSide, remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = Peer.ConnectAsync(engineSide, AdversarialKit.Options(engineKey), null, cts.Token);
            Assert.True(await remote.WriteRawAsync(new byte[] { 0x07, 0xff }, cts.Token));
            (HandshakeException error, TimeSpan elapsed) = await AdversarialKit.ThrowsTimedAsync<HandshakeException>(() => setup);
            Assert.True(elapsed < QuickRejection, $"rejected after {elapsed.TotalMilliseconds:0} ms");
            Assert.Contains("2047", error.Message);
        }
    }

    [Theory]
    [InlineData(TransportKind.InMemory)]
    [InlineData(TransportKind.Tcp)]
    public async Task Garbage_instead_of_an_ack_fails_the_initiator(TransportKind kind)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, kind, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = Peer.ConnectAsync(engineSide, AdversarialKit.Options(engineKey), remoteKey.PublicKey, cts.Token);
            byte[] ack = new byte[210];
            new Random(3).NextBytes(ack);
            ack[0] = 0x00; // EIP-8 size 0xd0 = 208, ECIES prefix, garbage ciphertext
            ack[1] = 0xd0;
            ack[2] = 0x04;
            Assert.True(await remote.WriteRawAsync(ack, cts.Token));
            (_, TimeSpan elapsed) = await AdversarialKit.ThrowsTimedAsync<HandshakeException>(() => setup);
            Assert.True(elapsed < QuickRejection, $"rejected after {elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public async Task A_few_bytes_then_close_ends_the_handshake_with_EndOfStream()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            Task<Peer> setup = Peer.ConnectAsync(engineSide, AdversarialKit.Options(engineKey), null, cts.Token);
            Assert.True(await remote.WriteRawAsync(new byte[] { 0x01, 0x2c, 0x04, 0x00 }, cts.Token));
            await remote.CompleteOutputAsync();
            (_, TimeSpan elapsed) = await AdversarialKit.ThrowsTimedAsync<EndOfStreamException>(() => setup);
            Assert.True(elapsed < QuickRejection, $"failed after {elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Theory]
    [InlineData(EngineRole.Recipient)]
    [InlineData(EngineRole.Initiator)]
    public async Task A_silent_remote_times_the_RLPx_handshake_out(EngineRole role)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        PeerOptions options = AdversarialKit.Options(engineKey) with { HandshakeTimeout = ShortHandshakeTimeout };
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            (TimeoutException _, TimeSpan elapsed) = await AdversarialKit.ThrowsTimedAsync<TimeoutException>(
                () => Peer.ConnectAsync(engineSide, options, role == EngineRole.Initiator ? remoteKey.PublicKey : null, cts.Token));
            AssertAbout(ShortHandshakeTimeout, elapsed);

            // The transport was closed: the remote sees the end (after the auth, when the engine dialled).
            Assert.True(await remote.DrainRawUntilEndAsync(cts.Token));
        }
    }

    [Theory]
    [InlineData(EngineRole.Recipient)]
    [InlineData(EngineRole.Initiator)]
    public async Task A_remote_that_never_sends_Hello_times_the_setup_out(EngineRole role)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        PeerOptions options = AdversarialKit.Options(engineKey) with { HandshakeTimeout = ShortHandshakeTimeout };
        (TransportConnection engineSide, ManualRemote remote) = await AdversarialKit.CreateAsync(remoteKey, TransportKind.InMemory, cts.Token);
        await using (remote)
        {
            // Timed from before the RLPx handshake, so a late continuation on our side cannot make
            // the Hello timeout look early; the RLPx part takes milliseconds.
            var setupTime = System.Diagnostics.Stopwatch.StartNew();
            Task<Peer> setup = await AdversarialKit.HandshakeAsync(engineSide, remote, options, role, cts.Token);

            // The engine's Hello arrives (it is sent first), ours never does.
            Hello engineHello = await remote.ReadHelloAsync(cts.Token);
            Assert.Equal(engineKey.PublicKey, engineHello.NodeId);

            await Assert.ThrowsAsync<TimeoutException>(() => setup);
            AssertAbout(ShortHandshakeTimeout, setupTime.Elapsed);
            await remote.ReadUntilEndAsync(cts.Token);
            Assert.NotNull(remote.EndedCleanly);
        }
    }

    /// <summary>A timeout fired no earlier than set (less a little clock slack) and not much later.</summary>
    private static void AssertAbout(TimeSpan timeout, TimeSpan elapsed)
    {
        Assert.True(elapsed >= timeout * 0.9, $"timed out early: {elapsed.TotalMilliseconds:0} ms of {timeout.TotalMilliseconds:0} ms");
        Assert.True(elapsed < timeout + AdversarialKit.SchedulingSlack, $"timed out late: {elapsed.TotalMilliseconds:0} ms of {timeout.TotalMilliseconds:0} ms");
    }
}
