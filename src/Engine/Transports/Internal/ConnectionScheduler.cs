using System.Diagnostics;
using System.IO.Pipelines;

namespace Devp2p.Transports.Internal;

/// <summary>
/// A pipe scheduler for one side of one socket connection that either runs the continuation inline
/// or queues it to the thread pool through itself, a reused work item, so scheduling allocates
/// nothing (<see cref="PipeScheduler.ThreadPool"/> allocates a work item per call).
/// </summary>
/// <remarks>
/// A pipe has at most one continuation of a side pending at a time (the reader or the writer awaits
/// once, and awaits again only after its continuation ran), so one slot suffices; a second pending
/// continuation, which the pipe never makes, would fall back to an allocating queue rather than be lost.
/// <para>Which way a continuation goes is the caller's policy: <see cref="InlineNext"/> (set by the
/// connection's receive loop before it flushes) and <see cref="QueueUntil"/> (a deadline set by the
/// send loop after each send) must both allow inline.</para>
/// </remarks>
internal sealed class ConnectionScheduler : PipeScheduler, IThreadPoolWorkItem
{
    private Action<object?>? _action;
    private object? _state;
    private long _queueUntil;

    /// <summary>Whether continuations may run inline (subject to <see cref="QueueUntil"/>); false queues them all.</summary>
    public bool InlineNext { get; set; }

    /// <summary>Until the <see cref="Stopwatch"/> timestamp <paramref name="deadline"/>, continuations are queued even when <see cref="InlineNext"/> allows inline.</summary>
    public void QueueUntil(long deadline) => Volatile.Write(ref _queueUntil, deadline);

    /// <inheritdoc/>
    public override void Schedule(Action<object?> action, object? state)
    {
        // A side that never sets a deadline (the input) does not read the clock.
        long queueUntil = Volatile.Read(ref _queueUntil);
        if (InlineNext && (queueUntil == 0 || Stopwatch.GetTimestamp() >= queueUntil))
        {
            action(state);
            return;
        }

        if (Interlocked.CompareExchange(ref _action, action, null) is null)
        {
            // The slot is ours until Execute empties it; queuing publishes the state with it.
            _state = state;
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
        }
    }

    /// <inheritdoc/>
    void IThreadPoolWorkItem.Execute()
    {
        // Take the slot before running: the continuation may schedule the next one.
        object? state = _state;
        Action<object?> action = Interlocked.Exchange(ref _action, null)!;
        _state = null;
        action(state);
    }
}
