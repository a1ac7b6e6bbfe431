using Devp2p.Crypto;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Rlpx;

/// <summary>How a read meets the end of the input: null from the peer's non-throwing read, EndOfStreamException from the public one.</summary>
public sealed class RlpxConnectionEndTests
{
    [Fact]
    public async Task A_clean_close_ends_ReadMsgOrEndAsync_with_null_after_the_last_message()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        (RlpxConnection a, RlpxConnection b) = await ConnectedPairAsync(cts.Token);
        await using (a)
        await using (b)
        {
            await a.WriteMsgAsync(0x10, new byte[] { 1, 2, 3 }, cts.Token);
            await a.CompleteOutputAsync(cts.Token);

            Msg? first = await b.ReadMsgOrEndAsync(cts.Token);
            Assert.NotNull(first);
            using (Msg msg = first.Value)
            {
                Assert.Equal(0x10UL, msg.Code);
                Assert.Equal(new byte[] { 1, 2, 3 }, msg.Payload.ToArray());
            }

            Assert.Null(await b.ReadMsgOrEndAsync(cts.Token));
        }
    }

    [Fact]
    public async Task A_clean_close_ends_ReadMsgAsync_with_EndOfStreamException()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        (RlpxConnection a, RlpxConnection b) = await ConnectedPairAsync(cts.Token);
        await using (a)
        await using (b)
        {
            await a.CompleteOutputAsync(cts.Token);
            EndOfStreamException end = await Assert.ThrowsAsync<EndOfStreamException>(async () => await b.ReadMsgAsync(cts.Token));
            Assert.Equal("The peer closed the connection.", end.Message);
        }
    }

    private static async Task<(RlpxConnection A, RlpxConnection B)> ConnectedPairAsync(CancellationToken ct)
    {
        (TransportConnection first, TransportConnection second) = InMemoryTransport.CreatePair();
        var a = new RlpxConnection(first);
        var b = new RlpxConnection(second);
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        Task<PublicKey> initiator = a.HandshakeAsync(keyA, keyB.PublicKey, TimeSpan.FromSeconds(10), ct);
        Task<PublicKey> recipient = b.HandshakeAsync(keyB, null, TimeSpan.FromSeconds(10), ct);
        await Task.WhenAll(initiator, recipient);
        return (a, b);
    }
}
