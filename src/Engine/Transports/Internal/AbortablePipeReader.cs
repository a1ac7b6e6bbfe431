using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Devp2p.Transports.Internal;

/// <summary>
/// Wraps a pipe reader so that a local abort surfaces as an exception on the pending or next read,
/// which the plain pipe cannot do from the reading side.
/// </summary>
internal sealed class AbortablePipeReader(PipeReader inner) : PipeReader
{
    private Exception? _abortReason;

    /// <summary>Records the reason and wakes a pending read, which then throws it.</summary>
    public void Abort(Exception reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        inner.CancelPendingRead();
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfAborted();
        return Observe(inner.ReadAsync(cancellationToken));
    }

    /// <summary>The inner reader's own minimum-read (a Pipe wakes its reader only once the minimum is there).</summary>
    protected override ValueTask<ReadResult> ReadAtLeastAsyncCore(int minimumSize, CancellationToken cancellationToken)
    {
        ThrowIfAborted();
        return Observe(inner.ReadAtLeastAsync(minimumSize, cancellationToken));
    }

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfAborted();
        return inner.TryRead(out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    /// <summary>Passes an inner read through, turning a read cancelled by <see cref="Abort"/> into the abort's exception.</summary>
    private ValueTask<ReadResult> Observe(ValueTask<ReadResult> read)
    {
        if (read.IsCompletedSuccessfully)
        {
            ReadResult result = read.Result;
            if (!result.IsCanceled || Volatile.Read(ref _abortReason) is null)
            {
                return new ValueTask<ReadResult>(result);
            }
        }

        return ReadSlowAsync(read);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadSlowAsync(ValueTask<ReadResult> read)
    {
        ReadResult result = await read.ConfigureAwait(false);
        Exception? reason = Volatile.Read(ref _abortReason);
        if (result.IsCanceled && reason is not null)
        {
            // Release the pipe so the peer's writer is not held up by data nobody will read.
            inner.AdvanceTo(result.Buffer.End);
            inner.Complete(reason);
            throw reason;
        }

        return result;
    }

    private void ThrowIfAborted()
    {
        Exception? reason = Volatile.Read(ref _abortReason);
        if (reason is not null)
        {
            Throw(reason);
        }
    }

    // Kept out of the read path so ReadAsync stays small enough to inline its fast case.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(Exception reason) => throw reason;
}
