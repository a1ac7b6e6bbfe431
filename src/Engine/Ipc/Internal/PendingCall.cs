namespace Devp2p.Ipc.Internal;

/// <summary>A request sent by <see cref="RpcClient"/> and waiting for its response.</summary>
internal abstract class PendingCall(long id)
{
    public long Id { get; } = id;

    /// <summary>The client that sent the call (for cancellation).</summary>
    public RpcClient? Owner { get; init; }

    /// <summary>The batch this call belongs to, or null.</summary>
    public RpcBatchState? Batch { get; init; }

    /// <summary>The waiting task, untyped (for batches).</summary>
    public abstract Task Task { get; }

    /// <summary>Completes with the result; runs on the client's read loop, so it must not block.</summary>
    public abstract void SetResult(ReadOnlySpan<byte> resultJson);

    public abstract void SetError(Exception error);

    public abstract void SetCanceled(CancellationToken cancellationToken);
}
