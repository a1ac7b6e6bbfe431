namespace Devp2p.Transports.Internal;

/// <summary>
/// The tail of a socket connection's receive step: one piece of work that the step made ready (a
/// protocol that was waiting for the message just read) runs on the same thread-pool thread right
/// after the step, once the receive loop is parked on its next receive, instead of being queued to
/// the thread pool, which would wake a second thread while this one goes idle.
/// </summary>
/// <remarks>
/// <para>Why it keeps the protocols' isolation: the held work runs only after the step has returned,
/// that is, after the connection's next receive is registered with the socket engine and the
/// application's read loop is parked on its pipe. Whatever the held work does (even block), the next
/// input is received and read on other threads, exactly as if the work had been queued.</para>
/// <para>Why it saves time: waking a parked thread-pool thread costs several microseconds, much
/// more on a small VM, where the wake-up is an inter-processor interrupt; the thread that received
/// the message is about to park anyway. Per round trip that is one wake-up less on each side.</para>
/// <para>Bounds: one item per step (later ones are queued as before), and the item is queued the
/// moment the step goes on with more input instead of parking (<see cref="Release"/>), so it never
/// waits behind a stream of receives. Only thread-pool threads open a tail: with the runtime's
/// inline socket completions the step runs on the socket engine's own thread, which must never run
/// application code.</para>
/// </remarks>
internal static class ReceiveTail
{
    [ThreadStatic]
    private static bool t_open;

    [ThreadStatic]
    private static IThreadPoolWorkItem? t_held;

    /// <summary>
    /// Runs <paramref name="item"/> at the end of the receive step running on this thread if there is
    /// one with its place free, and otherwise queues it to the thread pool.
    /// </summary>
    public static void Post(IThreadPoolWorkItem item)
    {
        if (t_open && t_held is null)
        {
            t_held = item;
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
    }

    /// <summary>
    /// Opens a tail for the receive step about to run on this thread. Returns false, and opens
    /// nothing, off the thread pool or inside a step that already has one; only a true result is
    /// closed with <see cref="Close"/>.
    /// </summary>
    public static bool Open()
    {
        if (t_open || !Thread.CurrentThread.IsThreadPoolThread)
        {
            return false;
        }

        t_open = true;
        return true;
    }

    /// <summary>The step goes on with more input instead of parking: queue the held item now.</summary>
    public static void Release()
    {
        IThreadPoolWorkItem? held = t_held;
        if (held is not null)
        {
            t_held = null;
            ThreadPool.UnsafeQueueUserWorkItem(held, preferLocal: false);
        }
    }

    /// <summary>Ends the step's tail and runs the held item, if any, with the tail closed (what it posts is queued).</summary>
    public static void Close()
    {
        t_open = false;
        IThreadPoolWorkItem? held = t_held;
        if (held is not null)
        {
            t_held = null;
            held.Execute();
        }
    }
}
