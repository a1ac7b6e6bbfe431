using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc;

/// <summary>A batch call whose result decodes to <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The result type.</typeparam>
public sealed class RpcBatchItem<T> : RpcBatchItem
{
    private readonly JsonTypeInfo<T> _resultType;
    private PendingCall<T>? _pending;

    internal RpcBatchItem(string method, JsonTypeInfo<T> resultType, object?[] args)
        : base(method, args)
    {
        _resultType = resultType;
    }

    /// <summary>The decoded result.</summary>
    /// <exception cref="RpcException">The server answered this call with an error.</exception>
    /// <exception cref="InvalidOperationException">The batch has not completed.</exception>
    /// <exception cref="Exception">Whatever else <see cref="Error"/> holds.</exception>
    public T Result
    {
        get
        {
            Task<T> task = _pending?.TypedTask ?? throw new InvalidOperationException("The batch has not been sent.");
            if (!task.IsCompleted)
            {
                throw new InvalidOperationException("The batch has not completed.");
            }

            return task.GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc/>
    public override Exception? Error
    {
        get
        {
            Task<T>? task = _pending?.TypedTask;
            if (task is null || !task.IsCompleted || task.IsCompletedSuccessfully)
            {
                return null;
            }

            return task.IsCanceled ? new TaskCanceledException(task) : task.Exception!.InnerException;
        }
    }

    internal override PendingCall CreatePending(long id, RpcBatchState state)
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException("A batch item is sent once; build a new batch to repeat it.");
        }

        _pending = new PendingCall<T>(id, _resultType) { Owner = state.Owner, Batch = state };
        return _pending;
    }
}
