using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>
/// Frames larger than the transport's pause threshold (1 MiB by default): a legal message up to
/// 16 MiB must get through, which needs the reader to take a body that does not fit the pipe window.
/// </summary>
public sealed class LargeFrameTests
{
    [Theory]
    [InlineData(TransportKind.InMemory, 2 * 1024 * 1024)]
    [InlineData(TransportKind.Tcp, 2 * 1024 * 1024)]
    public async Task A_message_larger_than_the_pipe_pause_threshold_is_delivered(TransportKind kind, int size)
    {
        using var cts = AdversarialKit.Timeout();
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var rwA = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        var rwB = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        PeerOptions a = AdversarialKit.Options(keyA, PeerTestKit.Capture("big", 1, 1, rwA)) with { FrameWriteTimeout = TimeSpan.FromSeconds(2) };
        PeerOptions b = AdversarialKit.Options(keyB, PeerTestKit.Capture("big", 1, 1, rwB)) with { FrameWriteTimeout = TimeSpan.FromSeconds(2) };
        (Peer peerA, Peer peerB) = await PeerTestKit.ConnectAsync(kind, a, b, cts.Token);
        IMsgReadWriter sideA = await rwA.Task.WaitAsync(cts.Token);
        IMsgReadWriter sideB = await rwB.Task.WaitAsync(cts.Token);

        // Incompressible, so the frame is as large as the message.
        byte[] payload = new byte[size];
        new Random(13).NextBytes(payload);
        payload[0] = 0xbb;
        payload[1] = (byte)((size - 5) >> 24);
        payload[2] = (byte)((size - 5) >> 16);
        payload[3] = (byte)((size - 5) >> 8);
        payload[4] = (byte)(size - 5);

        Task write = sideA.WriteMsgAsync(0, payload, cts.Token).AsTask();
        Task<Msg> read = sideB.ReadMsgAsync(cts.Token).AsTask();
        Task first = await Task.WhenAny(read, peerA.Completion, peerB.Completion).WaitAsync(cts.Token);
        if (first != read)
        {
            Assert.Fail($"the message did not arrive; A ended with '{await DescribeAsync(peerA)}', B with '{await DescribeAsync(peerB)}'");
        }

        using (Msg msg = await read)
        {
            Assert.Equal((uint)size, msg.Size);
            Assert.True(payload.AsSpan().SequenceEqual(msg.Payload));
        }

        await write.WaitAsync(cts.Token);
        peerA.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await AdversarialKit.EndOf(peerB)).Reason);
        await AdversarialKit.EndOf(peerA);
    }

    private static async Task<string> DescribeAsync(Peer peer) => peer.Completion.IsCompleted ? (await peer.Completion).ToString() : "still running";
}
