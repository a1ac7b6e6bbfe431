using System.Collections.Concurrent;
using System.Text.Json;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Serves JSON-RPC on one connection, shaped like go-ethereum's per-connection <c>handler</c>:
/// one read loop splits the stream into messages and starts each one at once (geth starts a
/// goroutine per message), so calls on one connection run concurrently; a batch runs its calls in
/// order and answers with one array. Responses and notifications leave through one
/// <see cref="RpcOutput"/>, whole. A bounded number of messages run at a time per connection; past
/// that the read loop waits, which pushes back on the client through the transport.
/// </summary>
internal sealed partial class RpcServerConnection
{
    private static readonly RpcParameter<string> s_subscriptionIdParameter = new(RpcJsonContext.Default.String, isOptional: false);

    private readonly RpcServer _server;
    private readonly RpcMethodRegistry _registry;
    private readonly TransportConnection _transport;
    private readonly ILogger _logger;
    private readonly JsonValueReader _reader;
    private readonly RpcOutput _output;
    private readonly CancellationTokenSource _reading = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SemaphoreSlim _slots;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ServerSubscription> _subscriptions = new(StringComparer.Ordinal);

    // Messages still running, plus one held by the read loop until it ends.
    private int _pending = 1;
    private int _aborted;

    public RpcServerConnection(RpcServer server, TransportConnection transport, ILogger logger)
    {
        _server = server;
        _registry = server.Registry;
        _transport = transport;
        _logger = logger;
        Options = server.Options;
        _reader = new JsonValueReader(transport.Transport.Input, Options.MaxRequestSize, RpcLimits.MaxDepth, "request");
        _output = new RpcOutput(transport.Transport.Output, Options.WriteTimeout, Abort);
        _slots = new SemaphoreSlim(Options.MaxConcurrentRequestsPerConnection);
    }

    public RpcServerOptions Options { get; }

    /// <summary>Canceled when the connection ends: running calls and subscriptions stop.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Serves until the peer closes, the stream breaks, or <see cref="Stop"/>. Never throws; disposes the transport.</summary>
    public async Task RunAsync()
    {
        bool endOfStream = false;
        try
        {
            endOfStream = await ReadLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            await ShutdownAsync(endOfStream).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading, cancels running calls and subscriptions, and drops unsent output.</summary>
    public void Stop()
    {
        _output.Close();
        try
        {
            _reading.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already shut down.
        }
    }

    /// <summary>Ends the connection abortively (slow client); the read loop then shuts it down.</summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _logger.LogDebug(reason, "Aborting JSON-RPC connection {Remote}.", _transport.RemoteEndPoint);
            _output.Close();
            _transport.Abort(reason);
        }
    }

    private async Task<bool> ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                RentedBytes? message = await _reader.ReadAsync(_reading.Token).ConfigureAwait(false);
                if (message is null)
                {
                    return true;
                }

                try
                {
                    await _slots.WaitAsync(_reading.Token).ConfigureAwait(false);
                }
                catch
                {
                    message.Value.Dispose();
                    throw;
                }

                Interlocked.Increment(ref _pending);
                _ = ProcessAsync(message.Value);
            }
        }
        catch (JsonFramingException ex)
        {
            // geth answers a syntax error with a parse error and then drops the connection, since
            // the decoder cannot find the next value; an over-limit request ends the same way.
            _logger.LogDebug("JSON-RPC connection {Remote} sent bad input: {Message}", _transport.RemoteEndPoint, ex.Message);
            RpcResponseBuilder response = _server.RentBuilder();
            try
            {
                response.WriteError(default, ex.Code, ex.Message);
                await _output.WriteAsync(response.Finish()).ConfigureAwait(false);
            }
            finally
            {
                _server.ReturnBuilder(response);
            }
        }
        catch (OperationCanceledException) when (_reading.IsCancellationRequested)
        {
            // Stopped by the server.
        }
        catch (Exception ex)
        {
            // Reset or aborted: the transport reports how in the exception.
            _logger.LogDebug(ex, "JSON-RPC connection {Remote} failed.", _transport.RemoteEndPoint);
        }

        return false;
    }

    private async Task ProcessAsync(RentedBytes message)
    {
        RpcResponseBuilder response = _server.RentBuilder();
        try
        {
            ReadOnlyMemory<byte> json = message.Memory;
            if (RpcMessage.IsBatch(json.Span))
            {
                await ProcessBatchAsync(json, response).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(json, response).ConfigureAwait(false);
            }

            bool sent = response.ElementCount == 0 || await _output.WriteAsync(response.Finish()).ConfigureAwait(false);
            StartSubscriptions(response, sent);
        }
        catch (Exception ex)
        {
            // Handler failures are answered inside ExecuteAsync; reaching here is a bug.
            _logger.LogError(ex, "Unexpected failure serving a JSON-RPC message from {Remote}.", _transport.RemoteEndPoint);
        }
        finally
        {
            message.Dispose();
            _server.ReturnBuilder(response);
            _slots.Release();
            ReleasePending();
        }
    }

    private async ValueTask ProcessBatchAsync(ReadOnlyMemory<byte> json, RpcResponseBuilder response)
    {
        var elements = new List<(int Start, int Length)>();
        RpcMessage.SplitBatch(json.Span, RpcLimits.MaxDepth, elements);
        if (elements.Count == 0)
        {
            // geth answers an empty batch with a single error object, not an array.
            response.WriteError(default, RpcErrorCodes.InvalidRequest, "empty batch");
            return;
        }

        response.BeginBatch();
        int limit = Options.BatchRequestLimit;
        if (limit > 0 && elements.Count > limit)
        {
            // As geth's respondWithBatchTooLarge: one error, carrying the id of the first call.
            response.WriteError(FirstCallId(json.Span, elements), RpcErrorCodes.InvalidRequest, "batch too large");
            return;
        }

        foreach ((int start, int length) in elements)
        {
            await ExecuteAsync(json.Slice(start, length), response).ConfigureAwait(false);
        }
    }

    private void StartSubscriptions(RpcResponseBuilder response, bool responseSent)
    {
        List<ServerSubscription>? subscriptions = response.Subscriptions;
        if (subscriptions is null)
        {
            return;
        }

        foreach (ServerSubscription subscription in subscriptions)
        {
            if (responseSent && !_lifetime.IsCancellationRequested)
            {
                subscription.Start();
            }
            else
            {
                _subscriptions.TryRemove(subscription.Id, out _);
                subscription.Stop();
            }
        }
    }

    private static ReadOnlySpan<byte> FirstCallId(ReadOnlySpan<byte> json, List<(int Start, int Length)> elements)
    {
        foreach ((int start, int length) in elements)
        {
            RpcMessage message = RpcMessage.Parse(json.Slice(start, length), RpcLimits.MaxDepth);
            if (message.IsCall)
            {
                return json.Slice(start + message.IdStart, message.IdLength);
            }
        }

        return default;
    }

    private void ReleasePending()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _drained.TrySetResult();
        }
    }

    private async Task ShutdownAsync(bool endOfStream)
    {
        _reader.Dispose();
        if (!endOfStream)
        {
            await CancelLifetimeAsync().ConfigureAwait(false);
        }

        // After the client half-closes, running calls still finish and answer, as geth's
        // handler.close waits for its call goroutines; bounded so a hung handler cannot pin the connection.
        ReleasePending();
        if (endOfStream)
        {
            await WaitBoundedAsync(_drained.Task, Options.DrainTimeout).ConfigureAwait(false);
            await CancelLifetimeAsync().ConfigureAwait(false);
        }

        await WaitBoundedAsync(_drained.Task, RpcLimits.StopTimeout).ConfigureAwait(false);

        var running = new List<Task>();
        foreach (ServerSubscription subscription in _subscriptions.Values)
        {
            subscription.Stop();
            running.Add(subscription.Completion);
        }

        _subscriptions.Clear();
        await WaitBoundedAsync(Task.WhenAll(running), RpcLimits.StopTimeout).ConfigureAwait(false);

        await _output.DrainAndCloseAsync().ConfigureAwait(false);
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // RunAsync never throws: the connection is gone either way.
            _logger.LogDebug(ex, "Closing JSON-RPC connection {Remote} failed.", _transport.RemoteEndPoint);
        }

        _logger.LogDebug("JSON-RPC connection {Remote} closed.", _transport.RemoteEndPoint);
    }

    private async Task CancelLifetimeAsync()
    {
        try
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
        }
        catch (AggregateException ex)
        {
            // A handler's cancellation callback threw; the connection still has to close.
            _logger.LogWarning(ex, "A JSON-RPC handler failed while its call was canceled.");
        }
    }

    private static async Task WaitBoundedAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Give up on stragglers; their writes are dropped once the output is closed.
        }
    }
}
