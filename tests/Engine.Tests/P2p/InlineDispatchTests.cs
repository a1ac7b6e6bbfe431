using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary>
/// <see cref="PeerOptions.InlineDispatch"/>: a protocol resumes on the read loop only until its next
/// pending await, so a protocol awaiting something slow does not stop the peer reading.
/// </summary>
public sealed class InlineDispatchTests
{
    [Theory]
    [MemberData(nameof(PeerTestKit.AllTransports), MemberType = typeof(PeerTestKit))]
    public async Task A_protocol_awaiting_after_a_read_leaves_the_read_loop_free(TransportKind kind)
    {
        using var cts = PeerTestKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRead = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new Protocol
        {
            Name = "wait",
            Version = 1,
            Length = 1,
            Run = async (peer, rw, ct) =>
            {
                using (Msg first = await rw.ReadMsgAsync(ct))
                {
                    firstRead.SetResult();

                    // Inline, this runs on B's read loop; the await must hand the loop back.
                    await release.Task.WaitAsync(ct);
                }

                using Msg second = await rw.ReadMsgAsync(ct);
                secondRead.SetResult(second.Payload.ToArray());
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        var captured = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(
            kind,
            PeerTestKit.Options(keyA, PeerTestKit.Capture("wait", 1, 1, captured)) with { InlineDispatch = true },
            PeerTestKit.Options(keyB, waiting) with { InlineDispatch = true },
            cts.Token);
        IMsgReadWriter rw = await captured.Task.WaitAsync(cts.Token);

        await rw.WriteMsgAsync(0, new byte[] { 0x01 }, cts.Token);
        await firstRead.Task.WaitAsync(cts.Token);

        // B's protocol is parked in its await: B's read loop must still answer our Ping.
        TimeSpan rtt = await a.PingAsync(cts.Token);
        Assert.True(rtt > TimeSpan.Zero);

        release.SetResult();
        await rw.WriteMsgAsync(0, new byte[] { 0x02 }, cts.Token);
        Assert.Equal(new byte[] { 0x02 }, await secondRead.Task.WaitAsync(cts.Token));

        a.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(b)).Reason);
    }
}
