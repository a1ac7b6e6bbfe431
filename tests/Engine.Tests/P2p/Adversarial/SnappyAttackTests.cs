using Devp2p.Crypto;
using Devp2p.Framing.Snappy;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Hostile snappy blocks, and the switch between compressed (v5) and plain (v4) payloads.</summary>
public sealed class SnappyAttackTests
{
    /// <summary>The snappy varint preamble of <paramref name="length"/>.</summary>
    private static byte[] Preamble(ulong length)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(length & 0x7f);
            length >>= 7;
            bytes.Add(length == 0 ? b : (byte)(b | 0x80));
        }
        while (length != 0);
        return [.. bytes];
    }

    [Fact]
    public async Task A_declared_size_above_16_MiB_is_refused_before_decompressing()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token);
        await using (remote)
        {
            // 16 MiB is one byte over the limit; the block itself is a 1-byte literal, so a decoder
            // that allocated and decompressed first would fail with a SnappyException instead.
            byte[] block = [.. Preamble(16 * 1024 * 1024), 0x00, 0xc0];
            Assert.True(await remote.WriteRawAsync(remote.SealRaw(BaseProtocol.PingCode, block), cts.Token));

            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();
            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.IsType<InvalidDataException>(end.Error);
        }
    }

    [Fact]
    public async Task The_configured_message_limit_applies_to_the_declared_size()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        const int limit = 4096;
        var rw = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions options = AdversarialKit.Options(engineKey, PeerTestKit.Capture("foo", 1, 2, rw)) with { MaxMessageSize = limit };
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token);
        await using (remote)
        {
            IMsgReadWriter side = await rw.Task.WaitAsync(cts.Token);

            // Exactly at the limit: delivered.
            byte[] atLimit = new byte[limit];
            atLimit[0] = 0xb9;
            atLimit[1] = (byte)((limit - 3) >> 8);
            atLimit[2] = (byte)((limit - 3) & 0xff);
            new Random(5).NextBytes(atLimit.AsSpan(3));
            Assert.True(await remote.SendAsync(16 + 1, atLimit, cts.Token));
            using (Msg msg = await side.ReadMsgAsync(cts.Token))
            {
                Assert.Equal(1UL, msg.Code);
                Assert.Equal(atLimit, msg.Payload.ToArray());
            }

            // One byte over, as declared in the preamble: refused.
            byte[] overLimit = ManualRemote.Compress(new byte[limit + 1]);
            Assert.True(SnappyCodec.TryGetUncompressedLength(overLimit, out int declared));
            Assert.Equal(limit + 1, declared);
            Assert.True(await remote.WriteRawAsync(remote.SealRaw(16 + 1, overLimit), cts.Token));
            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.IsType<InvalidDataException>(end.Error);
        }
    }

    public static TheoryData<string, byte[]> BadBlocks() => new()
    {
        { "preamble above int.MaxValue", [0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0xc0] },
        { "truncated preamble", [0xff] },
        { "literal longer than the input", [.. Preamble(10), 0x24, 0x01] },
        { "copy before the start", [.. Preamble(10), 0x00, 0xc0, 0x15, 0x05] },
        { "output short of the declared length", [.. Preamble(10), 0x00, 0xc0] },
    };

    [Theory]
    [MemberData(nameof(BadBlocks))]
    public async Task A_malformed_block_ends_the_peer_with_ProtocolError(string name, byte[] block)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(AdversarialKit.Options(engineKey), remoteKey, cts.Token);
        await using (remote)
        {
            Assert.True(await remote.WriteRawAsync(remote.SealRaw(BaseProtocol.PingCode, block), cts.Token));
            Assert.Equal(DiscReason.ProtocolError, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ProtocolError, end.Reason);
            Assert.True(end.Error is SnappyException, $"{name}: {end.Error}");

            // No Pong: the bad Ping was never acted on.
            Assert.DoesNotContain(remote.Received, static f => f.Code == BaseProtocol.PongCode);
        }
    }

    [Theory]
    [InlineData(4UL)]
    [InlineData(5UL)]
    public async Task Payloads_are_compressed_exactly_when_both_Hellos_say_v5(ulong remoteVersion)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        var rw = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions options = AdversarialKit.Options(engineKey, PeerTestKit.Capture("foo", 1, 2, rw));
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token, helloVersion: remoteVersion);
        await using (remote)
        {
            bool compressed = remoteVersion >= 5;
            Assert.Equal(compressed, remote.Snappy);
            IMsgReadWriter side = await rw.Task.WaitAsync(cts.Token);

            // The engine's Ping: [0xc0] as is without snappy, the 3-byte block 01 00 c0 with it.
            Task<TimeSpan> ping = peer.PingAsync(cts.Token);
            RemoteFrame? frame = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            Assert.Equal(BaseProtocol.PingCode, frame.Code);
            Assert.Equal(new byte[] { 0xc0 }, frame.Payload);
            Assert.Equal(compressed ? [0x01, 0x00, 0xc0] : new byte[] { 0xc0 }, frame.WirePayload);
            Assert.True(await remote.SendAsync(BaseProtocol.PongCode, [0xc0], cts.Token));
            await ping.WaitAsync(cts.Token);

            // The remote's Ping in the same form is answered.
            Assert.True(await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token));
            frame = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            Assert.Equal(BaseProtocol.PongCode, frame.Code);
            Assert.Equal(compressed ? [0x01, 0x00, 0xc0] : new byte[] { 0xc0 }, frame.WirePayload);

            // Protocol messages both ways, with a payload snappy shrinks a lot.
            byte[] payload = [0xb8, 200, .. new byte[200]];
            await side.WriteMsgAsync(0, payload, cts.Token);
            frame = await remote.ReadFrameAsync(cts.Token);
            Assert.NotNull(frame);
            Assert.Equal(16UL, frame.Code);
            Assert.Equal(payload, frame.Payload);
            if (compressed)
            {
                Assert.True(frame.WirePayload.Length < payload.Length / 4, $"{frame.WirePayload.Length} bytes on the wire");
            }
            else
            {
                Assert.Equal(payload, frame.WirePayload);
            }

            Assert.True(await remote.SendAsync(16 + 1, payload, cts.Token));
            using (Msg msg = await side.ReadMsgAsync(cts.Token))
            {
                Assert.Equal(1UL, msg.Code);
                Assert.Equal(payload, msg.Payload.ToArray());
            }

            peer.Disconnect(DiscReason.Requested);
            Assert.Equal(DiscReason.Requested, await remote.ExpectDisconnectAsync(cts.Token));
            await remote.CompleteOutputAsync();
            Assert.Equal(DiscReason.Requested, (await AdversarialKit.EndOf(peer)).Reason);
        }
    }
}
