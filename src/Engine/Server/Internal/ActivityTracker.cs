namespace Devp2p.Internal;

/// <summary>
/// Counts the server's background activities (connection setups, dials, accept loops, peer
/// runners) so Stop can close the door to new ones and then wait for the rest to finish.
/// </summary>
/// <remarks>Used once per connection or dial, never per message, so a lock is cheap enough.</remarks>
internal sealed class ActivityTracker
{
    private readonly object _lock = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private bool _closed;

    /// <summary>Starts an activity unless the tracker is closed.</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _count++;
            return true;
        }
    }

    /// <summary>
    /// Starts an activity even when closed: only for work spawned by a running activity (a peer
    /// runner launched by a setup), which keeps the count above zero until this one is counted.
    /// </summary>
    public void Enter()
    {
        lock (_lock)
        {
            _count++;
        }
    }

    /// <summary>Ends an activity.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _count--;
            if (_closed && _count == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>Refuses new activities; <see cref="Idle"/> completes when the running ones have ended.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            if (_count == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>Completes once closed and no activity runs.</summary>
    public Task Idle => _idle.Task;
}
