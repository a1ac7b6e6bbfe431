using Devp2p.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class MsgPipeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Messages_cross_in_both_directions_in_order()
    {
        (MsgPipeEnd a, MsgPipeEnd b) = MsgPipe.Create();
        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await a.SendItemsAsync((ulong)i, [(ulong)i, "x"]);
            }
        });

        for (int i = 0; i < 100; i++)
        {
            using Msg msg = await b.ReadMsgAsync().AsTask().WaitAsync(Bound);
            Assert.Equal((ulong)i, msg.Code);
            byte[] number = i == 0 ? [0x80] : i < 0x80 ? [(byte)i] : [0x81, (byte)i];
            Assert.Equal([(byte)(0xC0 + number.Length + 1), .. number, (byte)'x'], msg.Payload.ToArray());
        }

        await writer.WaitAsync(Bound);
        await b.WriteMsgAsync(9, new byte[] { 0x01 });
        using Msg back = await a.ReadMsgAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(9UL, back.Code);
    }

    [Fact]
    public async Task Close_fails_pending_and_later_calls_on_both_ends_with_the_closed_pipe_error()
    {
        (MsgPipeEnd a, MsgPipeEnd b) = MsgPipe.Create();
        ValueTask<Msg> pending = b.ReadMsgAsync();
        a.Close();

        await Assert.ThrowsAsync<MsgPipeClosedException>(async () => await pending.AsTask().WaitAsync(Bound));
        await Assert.ThrowsAsync<MsgPipeClosedException>(async () => await a.WriteMsgAsync(0, new byte[] { 0xC0 }));
        await Assert.ThrowsAsync<MsgPipeClosedException>(async () => await b.WriteMsgAsync(0, new byte[] { 0xC0 }));
        var error = await Assert.ThrowsAsync<MsgPipeClosedException>(async () => await a.ReadMsgAsync());
        Assert.Equal("p2p: read or write on closed message pipe", error.Message);
        b.Close();
    }

    [Fact]
    public async Task ExpectMsg_reports_code_and_payload_mismatches()
    {
        (MsgPipeEnd a, MsgPipeEnd b) = MsgPipe.Create();
        await a.SendItemsAsync(1, [5UL]);
        var codeError = await Assert.ThrowsAsync<UnexpectedMsgException>(async () => await b.ExpectMsgAsync(2));
        Assert.Equal("message code mismatch: got 1, expected 2", codeError.Message);

        await a.SendItemsAsync(1, [5UL]);
        var payloadError = await Assert.ThrowsAsync<UnexpectedMsgException>(async () => await b.ExpectMsgAsync(1, new RlpItemList([6UL])));
        Assert.Contains("got:  c105", payloadError.Message);
        Assert.Contains("want: c106", payloadError.Message);

        await a.SendItemsAsync(1, [5UL]);
        await b.ExpectMsgAsync(1, new RlpItemList([5UL]));
    }

    [Fact]
    public void Msg_is_disposed_once_and_unreadable_after()
    {
        Msg msg = Msg.Create(3, [0x82, 0xAB, 0xCD]);
        Msg copy = msg;
        Assert.Equal(new byte[] { 0x82, 0xAB, 0xCD }, msg.Payload.ToArray());
        Assert.Equal(3U, msg.Size);
        msg.Dispose();
        copy.Dispose();
        Assert.Throws<ObjectDisposedException>(() => copy.Payload.Length);

        // The owner went back to the pool: a new message may reuse it, and the stale copy must not see it.
        Msg next = Msg.Create(4, [0x01]);
        Assert.Throws<ObjectDisposedException>(() => copy.Payload.Length);
        copy.Dispose();
        Assert.Equal(new byte[] { 0x01 }, next.Payload.ToArray());
        next.Discard();
    }
}
