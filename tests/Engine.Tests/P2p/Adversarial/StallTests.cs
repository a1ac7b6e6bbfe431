using System.Diagnostics;
using Devp2p.Crypto;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Remotes that stop reading or stop sending after both handshakes.</summary>
public sealed class StallTests
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>How late a timeout may fire: the timer ticks at a quarter of it, plus scheduling on a busy test host.</summary>
    private static readonly TimeSpan Slack = AdversarialKit.SchedulingSlack;

    [Theory]
    [InlineData(TransportKind.InMemory)]
    [InlineData(TransportKind.Tcp)]
    public async Task A_remote_that_never_reads_is_dropped_with_NetworkError_after_the_write_timeout(TransportKind kind)
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();

        // Incompressible, so every message puts its full size into the transport.
        byte[] chunk = new byte[256 * 1024];
        new Random(9).NextBytes(chunk);
        chunk[0] = 0xba;
        chunk[1] = (byte)((chunk.Length - 4) >> 16);
        chunk[2] = (byte)((chunk.Length - 4) >> 8);
        chunk[3] = (byte)(chunk.Length - 4);

        long writeStartedAt = 0;
        long writeFailedAt = 0;
        int written = 0;
        var bulk = new Protocol
        {
            Name = "bulk",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                try
                {
                    while (true)
                    {
                        Volatile.Write(ref writeStartedAt, Stopwatch.GetTimestamp());
                        await rw.WriteMsgAsync(0, chunk, ct);
                        Interlocked.Increment(ref written);
                    }
                }
                catch (Exception)
                {
                    Volatile.Write(ref writeFailedAt, Stopwatch.GetTimestamp());
                    throw;
                }
            },
        };

        PeerOptions options = AdversarialKit.Options(engineKey, bulk) with
        {
            FrameWriteTimeout = FrameTimeout,
            DisconnectLinger = TimeSpan.FromMilliseconds(200),
        };
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token, kind: kind);
        await using (remote)
        {
            // The remote reads nothing more and keeps its side open.
            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.NetworkError, end.Reason);
            Assert.False(end.RequestedByRemote);
            Assert.IsType<TimeoutException>(end.Error);

            Assert.True(Volatile.Read(ref written) >= 1, "no write went through before the back-pressure");
            long failedAt = Volatile.Read(ref writeFailedAt);
            Assert.NotEqual(0, failedAt);
            TimeSpan stuck = Stopwatch.GetElapsedTime(Volatile.Read(ref writeStartedAt), failedAt);
            Assert.True(stuck >= FrameTimeout * 0.9, $"dropped after {stuck.TotalMilliseconds:0} ms");
            Assert.True(stuck < FrameTimeout + Slack, $"dropped after {stuck.TotalMilliseconds:0} ms");

            // As go-ethereum: no Disconnect is attempted on a connection that does not take writes.
            List<RemoteFrame> frames = await remote.ReadUntilEndAsync(cts.Token);
            Assert.DoesNotContain(frames, static f => f.Code == BaseProtocol.DisconnectCode);
            Assert.All(frames, f => Assert.Equal(16UL, f.Code));
        }
    }

    [Fact]
    public async Task A_remote_that_floods_Pings_without_reading_cannot_make_the_peer_queue_Pongs_without_bound()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();

        // A 64 KiB window toward the remote: about a thousand 64-byte Pong frames fit before writes wait.
        var window = new TransportOptions { SendPauseThreshold = 64 * 1024, SendResumeThreshold = 32 * 1024 };
        const int windowFrames = 64 * 1024 / 64;
        const int flood = 8 * windowFrames;
        PeerOptions options = AdversarialKit.Options(engineKey) with { FrameWriteTimeout = TimeSpan.FromSeconds(5) };
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token, inMemoryOptions: window);
        await using (remote)
        {
            byte[] pings = [.. Enumerable.Range(0, flood).SelectMany(_ => remote.Seal(BaseProtocol.PingCode, [0xc0]))];

            // Written without awaiting: the engine's read loop may (rightly) stop taking them.
            Task<bool> write = remote.WriteRawAsync(pings, cts.Token);

            // Let the read loop take what it will; once it stops counting, it has blocked or caught up.
            long seen = -1;
            while (peer.PingsReceived != seen)
            {
                seen = peer.PingsReceived;
                await Task.Delay(200, cts.Token);
            }

            // go-ethereum answers Pings from one loop, so a stuck Pong write stops the reading of
            // further Pings; an engine that spawns one Pong write per Ping holds one waiter per Ping.
            Assert.True(
                seen <= 2 * windowFrames,
                $"the peer read {seen} Pings while at most {windowFrames} Pongs fit the window: the rest wait in memory");

            peer.Disconnect(DiscReason.Requested);
            await remote.DisposeAsync();
            await AdversarialKit.EndOf(peer);

            // The flood's write ends with the transport; how it ends does not matter here.
            _ = write;
        }
    }

    [Fact]
    public async Task A_Ping_while_our_output_is_full_does_not_stop_the_read_loop()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();

        // A protocol that hands out its writer and records the codes it reads.
        var writer = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var protocol = new Protocol
        {
            Name = "stall",
            Version = 1,
            Length = 2,
            Run = async (_, rw, ct) =>
            {
                writer.TrySetResult(rw);
                while (true)
                {
                    using Msg msg = await rw.ReadMsgAsync(ct);
                    received.Writer.TryWrite(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(msg.Payload[1..]));
                }
            },
        };

        // A 64 KiB window toward the remote, which never reads: our output fills and stays full.
        var window = new TransportOptions { SendPauseThreshold = 64 * 1024, SendResumeThreshold = 32 * 1024 };
        PeerOptions options = AdversarialKit.Options(engineKey, protocol) with { FrameWriteTimeout = TimeSpan.FromSeconds(30) };
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token, inMemoryOptions: window);
        await using (remote)
        {
            IMsgReadWriter rw = await writer.Task.WaitAsync(cts.Token);
            byte[] big = new byte[256 * 1024];
            Task<Exception> filling = Task.Run<Exception>(async () =>
            {
                try
                {
                    while (true)
                    {
                        await rw.WriteMsgAsync(0, big, cts.Token);
                    }
                }
                catch (Exception ex)
                {
                    return ex;
                }
            });
            await Task.Delay(200, cts.Token);
            Assert.False(filling.IsCompleted, "the writes toward a remote that does not read should be stuck");

            // A Ping, then messages: the Pong cannot be written, yet the messages must arrive. (go-ethereum's
            // readLoop hands Pings to pingLoop and goes on; a read loop that wrote the Pong itself would
            // wait here until the write timeout, and two such peers with full outputs stall each other.)
            await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token);
            for (long i = 0; i < 100; i++)
            {
                await remote.SendAsync(BaseProtocol.Length + 1, AdversarialKit.CounterPayload(i), cts.Token);
            }

            for (long i = 0; i < 100; i++)
            {
                Assert.Equal(i, await received.Reader.ReadAsync(cts.Token));
            }

            Assert.Equal(1, peer.PingsReceived);
            peer.Disconnect(DiscReason.Requested);
            await remote.DisposeAsync();
            await AdversarialKit.EndOf(peer);
            Assert.NotNull(await filling.WaitAsync(cts.Token));
        }
    }

    [Fact]
    public async Task A_frame_trickled_byte_by_byte_is_bounded_by_the_read_timeout()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        TimeSpan readTimeout = TimeSpan.FromMilliseconds(500);
        PeerOptions options = AdversarialKit.Options(engineKey) with { FrameReadTimeout = readTimeout };
        var started = Stopwatch.StartNew();
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token);
        await using (remote)
        {
            // A valid 4 KiB frame, sent one byte every 20 ms: it would take over a minute, and bytes
            // keep arriving all the time. The timeout covers the whole frame (go-ethereum sets one
            // deadline per ReadMsg), so the trickle must not keep the peer waiting.
            byte[] payload = new byte[4096];
            new Random(17).NextBytes(payload);
            byte[] frame = remote.Seal(BaseProtocol.PingCode, payload);
            using var stopTrickle = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            Task trickle = Task.Run(async () =>
            {
                for (int i = 0; i < frame.Length && !stopTrickle.IsCancellationRequested; i++)
                {
                    if (!await remote.WriteRawAsync(frame.AsMemory(i, 1), stopTrickle.Token))
                    {
                        return;
                    }

                    await Task.Delay(20, stopTrickle.Token);
                }
            });

            Assert.Equal(DiscReason.ReadTimeout, await remote.ExpectDisconnectAsync(cts.Token));
            TimeSpan elapsed = started.Elapsed;
            await stopTrickle.CancelAsync();
            try
            {
                await trickle;
            }
            catch (OperationCanceledException)
            {
                // Stopped mid-trickle, as intended.
            }

            Assert.True(elapsed < readTimeout + Slack, $"dropped after {elapsed.TotalMilliseconds:0} ms of trickle");
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ReadTimeout, end.Reason);
        }
    }

    [Fact]
    public async Task A_remote_that_goes_silent_is_dropped_with_ReadTimeout()
    {
        // The control phase needs the remote's sends to be on time; a thread-pool stall of the test
        // host (see AdversarialKit.SchedulingSlack) can delay them past the timeout, which makes that
        // attempt say nothing either way. Such attempts are repeated; a drop while every gap was short fails.
        const int attempts = 3;
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            if (await SilentRemoteAttemptAsync())
            {
                return;
            }
        }

        Assert.Fail($"The test host stalled the remote's sends past the read timeout in all {attempts} attempts.");
    }

    /// <summary>One run of the read-timeout scenario; false when a stall of the test host spoiled the control phase.</summary>
    private static async Task<bool> SilentRemoteAttemptAsync()
    {
        using var cts = AdversarialKit.Timeout();
        using var engineKey = PrivateKey.Generate();
        using var remoteKey = PrivateKey.Generate();
        TimeSpan readTimeout = TimeSpan.FromMilliseconds(500);
        TimeSpan pingEvery = TimeSpan.FromMilliseconds(100);
        const int pings = 7;
        PeerOptions options = AdversarialKit.Options(engineKey) with { FrameReadTimeout = readTimeout };
        (Peer peer, ManualRemote remote) = await AdversarialKit.ConnectAsync(options, remoteKey, cts.Token);
        await using (remote)
        {
            // Control: a frame every fifth of the timeout keeps the peer up for longer than the timeout.
            long lastSent = Stopwatch.GetTimestamp();
            TimeSpan longestGap = TimeSpan.Zero;
            for (int i = 0; i < pings; i++)
            {
                await Task.Delay(pingEvery, cts.Token);
                await remote.SendAsync(BaseProtocol.PingCode, [0xc0], cts.Token);
                long now = Stopwatch.GetTimestamp();
                longestGap = Max(longestGap, Stopwatch.GetElapsedTime(lastSent, now));
                lastSent = now;
            }

            if (longestGap >= readTimeout * 0.6)
            {
                // Inconclusive: the remote itself fell silent for most of the timeout.
                peer.Disconnect(DiscReason.Requested);
                await remote.DisposeAsync();
                await AdversarialKit.EndOf(peer);
                return false;
            }

            // With every gap well inside the timeout, the first Disconnect must come only after the
            // silence below: a drop during the control phase shows up as a short silence.
            // Now silence.
            Assert.Equal(DiscReason.ReadTimeout, await remote.ExpectDisconnectAsync(cts.Token));
            TimeSpan silent = Stopwatch.GetElapsedTime(lastSent);
            Assert.True(silent >= readTimeout * 0.9, $"dropped after {silent.TotalMilliseconds:0} ms of silence");
            Assert.True(silent < readTimeout + Slack, $"dropped after {silent.TotalMilliseconds:0} ms of silence");
            Assert.Equal(pings, remote.Received.Count(static f => f.Code == BaseProtocol.PongCode));
            await remote.CompleteOutputAsync();

            PeerDisconnect end = await AdversarialKit.EndOf(peer);
            Assert.Equal(DiscReason.ReadTimeout, end.Reason);
            Assert.False(end.RequestedByRemote);
            Assert.IsType<TimeoutException>(end.Error);
            return true;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
