using System.Diagnostics;
using Devp2p.Transports.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>The socket connection's pipe scheduler: inline or queued as its policy says, and never losing a continuation.</summary>
public sealed class ConnectionSchedulerTests
{
    [Fact]
    public void Inline_runs_the_continuation_on_the_calling_thread()
    {
        var scheduler = new ConnectionScheduler { InlineNext = true };
        int thread = -1;
        scheduler.Schedule(_ => thread = Environment.CurrentManagedThreadId, null);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public async Task Queued_runs_the_continuation_later_with_its_state()
    {
        var scheduler = new ConnectionScheduler { InlineNext = false };
        var ran = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new ManualResetEventSlim();
        object state = new();
        scheduler.Schedule(s =>
        {
            gate.Wait();
            ran.SetResult(s);
        }, state);

        // Still blocked on the gate: it cannot have run on this thread.
        Assert.False(ran.Task.IsCompleted);
        gate.Set();
        Assert.Same(state, await ran.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_deadline_queues_even_when_inline_is_allowed_and_expires()
    {
        var scheduler = new ConnectionScheduler { InlineNext = true };
        scheduler.QueueUntil(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60);
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new ManualResetEventSlim();
        scheduler.Schedule(_ =>
        {
            gate.Wait();
            ran.SetResult(Environment.CurrentManagedThreadId);
        }, null);
        Assert.False(ran.Task.IsCompleted);
        gate.Set();
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));

        scheduler.QueueUntil(Stopwatch.GetTimestamp() - 1);
        int thread = -1;
        scheduler.Schedule(_ => thread = Environment.CurrentManagedThreadId, null);
        Assert.Equal(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public async Task A_second_continuation_while_one_is_pending_is_not_lost()
    {
        // The pipes never do this, but the slot must not drop or mix up continuations if it happens.
        var scheduler = new ConnectionScheduler { InlineNext = false };
        var gate = new ManualResetEventSlim();
        var results = new TaskCompletionSource<string>[] { new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously) };
        scheduler.Schedule(s =>
        {
            gate.Wait();
            results[0].SetResult((string)s!);
        }, "first");
        scheduler.Schedule(s => results[1].SetResult((string)s!), "second");
        Assert.Equal("second", await results[1].Task.WaitAsync(TimeSpan.FromSeconds(10)));
        gate.Set();
        Assert.Equal("first", await results[0].Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Many_queued_continuations_in_turn_all_run()
    {
        // The pipe's pattern: the next continuation is scheduled only after the previous one ran.
        var scheduler = new ConnectionScheduler { InlineNext = false };
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int count = 0;
        void Step(object? state)
        {
            if (Interlocked.Increment(ref count) == 10_000)
            {
                done.SetResult();
                return;
            }

            scheduler.Schedule(Step, state);
        }

        scheduler.Schedule(Step, null);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(10_000, count);
    }
}
