using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>A misbehaving peer is dropped without disturbing another peer of the same node.</summary>
public sealed class IsolationTests
{
    private const ulong RequestCode = 0;
    private const ulong ReplyCode = 1;

    /// <summary>Answers every request with a reply carrying the same payload.</summary>
    private static Protocol Echo() => new()
    {
        Name = "echo",
        Version = 1,
        Length = 2,
        Run = static async (peer, rw, ct) =>
        {
            while (true)
            {
                using Msg msg = await rw.ReadMsgAsync(ct);
                if (msg.Code == RequestCode)
                {
                    await rw.WriteMsgAsync(ReplyCode, msg.PayloadMemory, ct);
                }
            }
        },
    };

    [Theory]
    [InlineData(TransportKind.InMemory, false)]
    [InlineData(TransportKind.InMemory, true)]
    [InlineData(TransportKind.Tcp, false)]
    public async Task A_bad_MAC_on_one_connection_leaves_the_other_exchanging(TransportKind kind, bool garbage)
    {
        using var cts = AdversarialKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        using var keyC = PrivateKey.Generate();

        // One node (A): one options object, one key, serving both connections.
        PeerOptions nodeA = AdversarialKit.Options(keyA, Echo());
        var rwB = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions nodeB = AdversarialKit.Options(keyB, PeerTestKit.Capture("echo", 1, 2, rwB));
        (Peer b, Peer aToB) = await PeerTestKit.ConnectAsync(kind, nodeB, nodeA, cts.Token);
        IMsgReadWriter sideB = await rwB.Task.WaitAsync(cts.Token);

        // B keeps A busy: request n, expect exactly n back, continuously.
        long exchanged = 0;
        using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        Task pump = Task.Run(async () =>
        {
            for (long n = 0; !stopPump.IsCancellationRequested; n++)
            {
                await sideB.WriteMsgAsync(RequestCode, AdversarialKit.CounterPayload(n), cts.Token);
                using Msg reply = await sideB.ReadMsgAsync(cts.Token);
                Assert.Equal(ReplyCode, reply.Code);
                Assert.Equal(AdversarialKit.CounterPayload(n), reply.Payload.ToArray());
                Interlocked.Exchange(ref exchanged, n + 1);
            }
        });

        await WaitForAsync(() => Interlocked.Read(ref exchanged) >= 20, pump, cts.Token);

        // C connects to the same node A, proves its session works, then sends a damaged frame.
        (Peer aToC, ManualRemote remoteC) = await AdversarialKit.ConnectAsync(nodeA, keyC, cts.Token, kind: kind);
        await using (remoteC)
        {
            Assert.True(await remoteC.SendAsync(16 + RequestCode, AdversarialKit.CounterPayload(-1), cts.Token));
            RemoteFrame? echoed = await remoteC.ReadFrameAsync(cts.Token);
            Assert.NotNull(echoed);
            Assert.Equal(16 + ReplyCode, echoed.Code);
            Assert.Equal(AdversarialKit.CounterPayload(-1), echoed.Payload);

            byte[] bad = garbage
                ? [.. Enumerable.Range(0, 80).Select(static i => (byte)(i * 37))]
                : ManualRemote.Corrupt(remoteC.Seal(16 + RequestCode, AdversarialKit.CounterPayload(-2)), 16);
            Assert.True(await remoteC.WriteRawAsync(bad, cts.Token));
            Assert.Equal(DiscReason.ProtocolError, await remoteC.ExpectDisconnectAsync(cts.Token));
            await remoteC.CompleteOutputAsync();

            PeerDisconnect endC = await AdversarialKit.EndOf(aToC);
            Assert.Equal(DiscReason.ProtocolError, endC.Reason);
            Assert.False(endC.RequestedByRemote);
        }

        // A <-> B is untouched: still running, and many more verified round trips follow.
        long atDrop = Interlocked.Read(ref exchanged);
        await WaitForAsync(() => Interlocked.Read(ref exchanged) >= atDrop + 200, pump, cts.Token);
        Assert.False(aToB.Completion.IsCompleted);
        Assert.False(b.Completion.IsCompleted);

        await stopPump.CancelAsync();
        await pump.WaitAsync(cts.Token);
        b.Disconnect(DiscReason.Requested);
        PeerDisconnect endB = await AdversarialKit.EndOf(b);
        PeerDisconnect endA = await AdversarialKit.EndOf(aToB);
        Assert.Equal(new PeerDisconnect(DiscReason.Requested, false, null), endB);
        Assert.Equal(DiscReason.Requested, endA.Reason);
        Assert.True(endA.RequestedByRemote);
    }

    /// <summary>Polls <paramref name="condition"/>, failing early if the pump faulted.</summary>
    private static async Task WaitForAsync(Func<bool> condition, Task pump, CancellationToken ct)
    {
        while (!condition())
        {
            if (pump.IsCompleted)
            {
                await pump; // surfaces the pump's assertion failure
                Assert.Fail("The A <-> B exchange stopped.");
            }

            await Task.Delay(5, ct);
        }
    }
}
