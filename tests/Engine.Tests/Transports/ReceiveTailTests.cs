using System.IO.Pipelines;
using Devp2p.Transports;
using Devp2p.Transports.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>
/// <see cref="ReceiveTail"/>: work posted during a socket's receive step runs on that step's thread
/// once the step has parked on its next receive; anywhere else it is queued to the thread pool.
/// </summary>
public sealed class ReceiveTailTests
{
    [Fact]
    public async Task Without_an_open_tail_a_post_is_queued_to_the_thread_pool()
    {
        var item = new RecordingItem();
        ReceiveTail.Post(item);
        int thread = await item.Ran.Task.WaitAsync(TransportTestKit.TestTimeout);
        Assert.NotEqual(0, thread);
    }

    [Fact]
    public async Task An_open_tail_holds_one_post_and_runs_it_on_close_on_the_same_thread()
    {
        var result = new TaskCompletionSource<(bool Opened, bool RanBeforeClose, int PostThread, int RunThread, bool SecondQueued)>(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadPool.UnsafeQueueUserWorkItem(
            _ =>
            {
                var first = new RecordingItem();
                var second = new RecordingItem();
                bool opened = ReceiveTail.Open();
                ReceiveTail.Post(first);
                ReceiveTail.Post(second); // the place is taken: queued at once
                bool ranBeforeClose = first.Ran.Task.IsCompleted;
                bool nestedOpened = ReceiveTail.Open();
                ReceiveTail.Close();
                bool secondQueued = second.Ran.Task.Wait(TransportTestKit.TestTimeout);
                result.SetResult((opened && !nestedOpened, ranBeforeClose, Environment.CurrentManagedThreadId, first.Ran.Task.IsCompleted ? first.Ran.Task.Result : -1, secondQueued));
            },
            null);

        var (opened, ranBeforeClose, postThread, runThread, secondQueued) = await result.Task.WaitAsync(TransportTestKit.TestTimeout);
        Assert.True(opened, "a thread-pool thread opens one tail; a nested open is refused");
        Assert.False(ranBeforeClose);
        Assert.Equal(postThread, runThread);
        Assert.True(secondQueued);
    }

    [Fact]
    public async Task Release_queues_the_held_post_and_close_then_runs_nothing()
    {
        var result = new TaskCompletionSource<(bool Released, int RunThread, int TailThread)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = new RecordingItem();
        ThreadPool.UnsafeQueueUserWorkItem(
            _ =>
            {
                Assert.True(ReceiveTail.Open());
                ReceiveTail.Post(item);
                ReceiveTail.Release();
                bool released = item.Ran.Task.Wait(TransportTestKit.TestTimeout);
                ReceiveTail.Close();
                result.SetResult((released, item.Ran.Task.Result, Environment.CurrentManagedThreadId));
            },
            null);

        var (released, runThread, tailThread) = await result.Task.WaitAsync(TransportTestKit.TestTimeout);
        Assert.True(released, "a released item runs without waiting for the tail");
        Assert.NotEqual(tailThread, runThread);
        Assert.Equal(1, item.Runs);
    }

    [Fact]
    public void Off_the_thread_pool_no_tail_opens()
    {
        bool opened = true;
        var thread = new Thread(() => opened = ReceiveTail.Open());
        thread.Start();
        Assert.True(thread.Join(TransportTestKit.TestTimeout));
        Assert.False(opened);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Work_posted_while_a_socket_delivers_a_small_receive_runs_after_the_reader_parked_on_the_same_thread(bool unix)
    {
        using var cts = TransportTestKit.Timeout();
        (SocketTransportListener listener, TransportConnection dialer, TransportConnection accepted) = await TransportTestKit.ConnectLoopbackPairAsync(
            TransportOptions.Default, cts.Token, unix ? new System.Net.Sockets.UnixDomainSocketEndPoint(TransportTestKit.NewUnixSocketPath()) : null);
        await using (listener)
        await using (dialer)
        await using (accepted)
        {
            PipeReader input = accepted.Transport.Input;
            var item = new RecordingItem();
            int readerThread = 0;
            bool readerParked = false;

            // Park the reader first, so that the data's arrival resumes it inside the receive step.
            ValueTask<ReadResult> read = input.ReadAsync(cts.Token);
            Assert.False(read.IsCompleted);
            Task reader = ContinueAsync();
            await Task.Delay(50, cts.Token);
            await dialer.Transport.Output.WriteAsync(new byte[] { 1, 2, 3 }, cts.Token);

            int runThread = await item.Ran.Task.WaitAsync(cts.Token);
            await reader.WaitAsync(cts.Token);
            Assert.Equal(readerThread, runThread);
            Assert.True(item.ReaderWasParked, "the held work ran only after the reader awaited its next read");
            Assert.True(readerParked);

            async Task ContinueAsync()
            {
                ReadResult result = await read.ConfigureAwait(false);
                readerThread = Environment.CurrentManagedThreadId;
                input.AdvanceTo(result.Buffer.End);
                item.Check = () => readerParked;
                ReceiveTail.Post(item);
                ValueTask<ReadResult> next = input.ReadAsync(cts.Token);
                readerParked = !next.IsCompleted;
                _ = next.AsTask();
            }
        }
    }

    private sealed class RecordingItem : IThreadPoolWorkItem
    {
        public TaskCompletionSource<int> Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<bool>? Check { get; set; }

        public bool ReaderWasParked { get; private set; }

        public int Runs { get; private set; }

        public void Execute()
        {
            Runs++;
            ReaderWasParked = Check?.Invoke() ?? false;
            Ran.TrySetResult(Environment.CurrentManagedThreadId);
        }
    }
}
