using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary>
/// With the default dispatch, a protocol runs apart from its peer's read loop: even a protocol that
/// blocks its thread after a read (no await) leaves the peer reading. Over sockets the woken protocol
/// runs at the end of the receive step that read its message (see ReceiveTail), so this also checks
/// that the step has re-armed the socket's receive before the protocol runs.
/// </summary>
public sealed class ProtocolIsolationTests
{
    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task A_protocol_blocking_its_thread_after_a_read_leaves_the_peer_reading(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(false);
        var otherRead = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = new Protocol
        {
            Name = "block",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                reading.SetResult();
                using (Msg first = await rw.ReadMsgAsync(ct))
                {
                    firstRead.SetResult();

                    // A synchronous wait: whatever thread runs this stays blocked until released.
                    release.Wait(ct);
                }

                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        var other = new Protocol
        {
            Name = "other",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                using Msg msg = await rw.ReadMsgAsync(ct);
                otherRead.SetResult(msg.Payload.ToArray());
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        var capturedBlock = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        var capturedOther = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(
            kind,
            PeerTestKit.Options(keyA, PeerTestKit.Capture("block", 1, 1, capturedBlock), PeerTestKit.Capture("other", 1, 1, capturedOther)),
            PeerTestKit.Options(keyB, blocking, other),
            cts.Token);
        try
        {
            IMsgReadWriter blockRw = await capturedBlock.Task.WaitAsync(cts.Token);
            IMsgReadWriter otherRw = await capturedOther.Task.WaitAsync(cts.Token);

            // Let B's protocol park in its read first, so the message wakes it (the path under test)
            // rather than being already queued when it reads.
            await reading.Task.WaitAsync(cts.Token);
            await Task.Delay(100, cts.Token);
            await blockRw.WriteMsgAsync(0, new byte[] { 0x01 }, cts.Token);
            await firstRead.Task.WaitAsync(cts.Token);

            // B's "block" protocol holds its thread: B must still answer a Ping and feed "other".
            TimeSpan rtt = await a.PingAsync(cts.Token);
            Assert.True(rtt > TimeSpan.Zero);
            await otherRw.WriteMsgAsync(0, new byte[] { 0x02 }, cts.Token);
            Assert.Equal(new byte[] { 0x02 }, await otherRead.Task.WaitAsync(cts.Token));
        }
        finally
        {
            release.Set();
        }

        a.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(b)).Reason);
    }

    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task Concurrent_readers_of_one_protocol_each_get_messages_and_none_is_lost(TransportKind kind)
    {
        // Several readers parked at once can all be woken within one receive step: the first takes
        // the step's tail, the others must still be resumed (queued), each with its own message.
        const int Readers = 4;
        const int Rounds = 50;
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var received = new System.Collections.Concurrent.ConcurrentBag<byte>();
        var parked = new SemaphoreSlim(0);
        var readers = new Protocol
        {
            Name = "many",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                await Task.WhenAll(Enumerable.Range(0, Readers).Select(_ => Task.Run(
                    async () =>
                    {
                        for (int round = 0; round < Rounds; round++)
                        {
                            parked.Release();
                            using Msg msg = await rw.ReadMsgAsync(ct);
                            received.Add(msg.Payload[0]);
                        }
                    },
                    ct)));
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        var captured = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(
            kind,
            PeerTestKit.Options(keyA, PeerTestKit.Capture("many", 1, 1, captured)),
            PeerTestKit.Options(keyB, readers),
            cts.Token);
        IMsgReadWriter rw = await captured.Task.WaitAsync(cts.Token);

        for (int round = 0; round < Rounds; round++)
        {
            // Wait until every reader is about to read again, then send one message per reader
            // back to back, so they tend to arrive in one receive.
            for (int i = 0; i < Readers; i++)
            {
                await parked.WaitAsync(cts.Token);
            }

            for (int i = 0; i < Readers; i++)
            {
                await rw.WriteMsgAsync(0, new[] { (byte)i }, cts.Token);
            }
        }

        while (received.Count < Readers * Rounds)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.Equal(Rounds, received.Count(v => v == 0));
        Assert.Equal(Readers * Rounds, received.Count);
        a.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(b)).Reason);
    }
}
