using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc;

/// <content>Calls, notifications and batches.</content>
public sealed partial class RpcClient
{
    /// <summary>Calls <paramref name="method"/> with positional arguments and decodes the result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="method">The method name, for example "admin_nodeInfo".</param>
    /// <param name="resultType">Decodes the result.</param>
    /// <param name="cancellationToken">Stops waiting for the response (the server may still run the call).</param>
    /// <param name="args">The arguments, sent as the params array; see the class remarks for how they are serialized.</param>
    /// <returns>The decoded result.</returns>
    /// <exception cref="RpcException">The server answered with an error.</exception>
    /// <exception cref="ArgumentException">An argument's type has no JSON metadata.</exception>
    /// <exception cref="System.Text.Json.JsonException">The result does not decode to <typeparamref name="T"/>.</exception>
    /// <exception cref="IOException">The connection ended before the response arrived.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T> CallAsync<T>(string method, JsonTypeInfo<T> resultType, CancellationToken cancellationToken, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(resultType);
        var call = new PendingCall<T>(NextId(), resultType) { Owner = this };
        await SendAsync(call, method, args ?? [], cancellationToken).ConfigureAwait(false);
        using (RegisterCancellation(call, cancellationToken))
        {
            return await call.TypedTask.ConfigureAwait(false);
        }
    }

    /// <summary>Sends a notification: a call without an id, which the server runs and never answers.</summary>
    /// <param name="method">The method name.</param>
    /// <param name="cancellationToken">Checked before sending; the write itself is bounded by <see cref="RpcClientOptions.WriteTimeout"/>.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>A task that completes once the notification is written.</returns>
    /// <exception cref="ArgumentException">An argument's type has no JSON metadata.</exception>
    /// <exception cref="IOException">The connection has ended.</exception>
    public async ValueTask NotifyAsync(string method, CancellationToken cancellationToken, params object?[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        RpcRequestBuilder builder = _builders.Get();
        try
        {
            builder.WriteRequest(null, method, args ?? [], _argumentOptions);
            if (!await _output.WriteAsync(builder.Finish()).ConfigureAwait(false))
            {
                throw ClosedException();
            }
        }
        finally
        {
            _builders.Return(builder);
        }
    }

    /// <summary>
    /// Sends every call of <paramref name="batch"/> in one JSON array and waits for the array that
    /// answers them. Each item then holds its own result or error (an item the answer left out gets
    /// an <see cref="InvalidDataException"/>); only a failure of the connection itself is thrown.
    /// An empty batch sends nothing.
    /// </summary>
    /// <param name="batch">The calls; a batch is sent once.</param>
    /// <param name="cancellationToken">Stops waiting; unanswered items end canceled.</param>
    /// <returns>A task that completes when every item has its outcome.</returns>
    /// <exception cref="ArgumentException">An argument's type has no JSON metadata.</exception>
    /// <exception cref="IOException">The connection ended before the answer arrived.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async ValueTask BatchAsync(RpcBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        IReadOnlyList<RpcBatchItem> items = batch.Items;
        if (items.Count == 0)
        {
            return;
        }

        ThrowIfClosed();
        var calls = new PendingCall[items.Count];
        var state = new RpcBatchState(this, calls);
        RpcRequestBuilder builder = _builders.Get();
        try
        {
            builder.BeginBatch();
            for (int i = 0; i < calls.Length; i++)
            {
                calls[i] = items[i].CreatePending(NextId(), state);
                builder.WriteRequest(calls[i].Id, items[i].Method, items[i].Arguments, _argumentOptions);
            }

            foreach (PendingCall call in calls)
            {
                _pending[call.Id] = call;
            }

            await WriteRegisteredAsync(null, calls, builder.Finish()).ConfigureAwait(false);
        }
        finally
        {
            _builders.Return(builder);
        }

        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (s, token) => ((RpcBatchState)s!).Owner.CancelCalls(((RpcBatchState)s!).Calls, token), state)
            : default;
        var waits = new Task[calls.Length];
        for (int i = 0; i < calls.Length; i++)
        {
            waits[i] = calls[i].Task;
        }

        using (registration)
        {
            await Task.WhenAll(waits).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Exception? closed = Volatile.Read(ref _closedReason);
        if (closed is not null)
        {
            foreach (PendingCall call in calls)
            {
                if (call.Task.IsFaulted && call.Task.Exception!.InnerException is IOException or ObjectDisposedException)
                {
                    // The connection failed under the batch: that is the caller's error, not the items'.
                    throw ClosedException();
                }
            }
        }
    }

    private long NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Registers <paramref name="call"/>, writes its request and arranges its cancellation.</summary>
    private async ValueTask SendAsync(PendingCall call, string method, object?[] args, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        RpcRequestBuilder builder = _builders.Get();
        try
        {
            builder.WriteRequest(call.Id, method, args, _argumentOptions);

            // Registered before the write: the response can arrive before WriteAsync returns.
            _pending[call.Id] = call;
            await WriteRegisteredAsync(call, null, builder.Finish()).ConfigureAwait(false);
        }
        finally
        {
            _builders.Return(builder);
        }
    }

    private static CancellationTokenRegistration RegisterCancellation(PendingCall call, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (s, token) => ((PendingCall)s!).Owner!.CancelCalls([(PendingCall)s!], token), call)
            : default;

    /// <summary>Writes a request whose calls (one <paramref name="call"/> or a batch's <paramref name="calls"/>) are registered; unregisters them if it fails.</summary>
    private async ValueTask WriteRegisteredAsync(PendingCall? call, PendingCall[]? calls, ReadOnlyMemory<byte> message)
    {
        bool written;
        try
        {
            written = await _output.WriteAsync(message).ConfigureAwait(false);
        }
        catch
        {
            ForgetCalls(call, calls);
            throw;
        }

        if (!written || Volatile.Read(ref _closedReason) is not null)
        {
            // The read loop may have swept before these were registered: fail them here.
            ForgetCalls(call, calls);
            throw ClosedException();
        }
    }

    private void ForgetCalls(PendingCall? call, PendingCall[]? calls)
    {
        if (call is not null)
        {
            _pending.TryRemove(new KeyValuePair<long, PendingCall>(call.Id, call));
        }

        foreach (PendingCall each in calls ?? [])
        {
            _pending.TryRemove(new KeyValuePair<long, PendingCall>(each.Id, each));
        }
    }

    private void CancelCalls(PendingCall[] calls, CancellationToken cancellationToken = default)
    {
        foreach (PendingCall call in calls)
        {
            if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(call.Id, call)))
            {
                call.SetCanceled(cancellationToken);
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closedReason) is not null)
        {
            throw ClosedException();
        }
    }

    private Exception ClosedException()
    {
        Exception? reason = Volatile.Read(ref _closedReason);
        return reason switch
        {
            ObjectDisposedException => new ObjectDisposedException(nameof(RpcClient), "The JSON-RPC client was disposed."),
            RpcException rpc => new RpcException(rpc.Code, rpc.Message, rpc.ErrorData),
            null => new IOException("The JSON-RPC connection is closed."),
            _ => new IOException(reason.Message, reason),
        };
    }
}
