namespace Devp2p.Ipc;

/// <summary>One call in an <see cref="RpcBatch"/>; holds its outcome once <see cref="RpcClient.BatchAsync"/> has returned.</summary>
public abstract class RpcBatchItem
{
    private protected RpcBatchItem(string method, object?[] args)
    {
        Method = method;
        Arguments = args;
    }

    /// <summary>The method called.</summary>
    public string Method { get; }

    /// <summary>Whether the call failed: an error response (<see cref="RpcException"/>), a result that did not decode, or no response in the batch.</summary>
    public bool IsFaulted => Error is not null;

    /// <summary>Why the call failed, or null when it succeeded or has not completed.</summary>
    public abstract Exception? Error { get; }

    internal object?[] Arguments { get; }

    internal abstract Internal.PendingCall CreatePending(long id, Internal.RpcBatchState state);
}
