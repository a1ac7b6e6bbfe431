using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// One subscription: a producer loop pulls the source into a bounded queue and never waits on the
/// client; a sender loop turns queued items into notifications at the client's pace. When the queue
/// is full the client is too slow: by default the subscription ends with an error notification (or,
/// with <see cref="RpcSubscriptionOverflow.CloseConnection"/>, the connection is closed, which is
/// where go-ethereum ends up: its producer blocks on the socket write for up to the 10 s write
/// timeout, then the write fails and the connection is dropped).
/// </summary>
internal sealed class ServerSubscription<T> : ServerSubscription
{
    private readonly RpcServerConnection _connection;
    private readonly string _notificationMethod;
    private readonly JsonTypeInfo<T> _itemType;
    private readonly IAsyncEnumerable<T> _items;
    private readonly Channel<T> _queue;
    private readonly CancellationTokenSource _stop;

    /// <summary>Held while a notification is checked against <see cref="_stop"/> and written (see <see cref="StopAndWaitAsync"/>).</summary>
    private readonly SemaphoreSlim _sending = new(1, 1);
    private RpcException? _failure;
    private volatile bool _dropQueued;

    public ServerSubscription(
        RpcServerConnection connection,
        string ns,
        string id,
        JsonTypeInfo<T> itemType,
        Func<CancellationToken, IAsyncEnumerable<T>> source)
        : base(id)
    {
        _connection = connection;
        _notificationMethod = ns + "_subscription";
        _itemType = itemType;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(connection.Lifetime);
        try
        {
            // Called now so a source that rejects its arguments fails the subscribe call itself.
            _items = source(_stop.Token);
        }
        catch
        {
            _stop.Dispose();
            throw;
        }

        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(connection.Options.SubscriptionQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public override void Start() => Completion = RunAsync();

    public override void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended.
        }
    }

    public override async ValueTask StopAndWaitAsync()
    {
        Stop();

        // A send that passed its check before the Stop finishes first; every later one sees the Stop.
        await _sending.WaitAsync().ConfigureAwait(false);
        _sending.Release();
    }

    private async Task RunAsync()
    {
        Task producing = ProduceAsync();
        try
        {
            await SendAsync().ConfigureAwait(false);
        }
        finally
        {
            // Whatever ended the sending also ends the source.
            Stop();
            await producing.ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private async Task ProduceAsync()
    {
        try
        {
            await foreach (T item in _items.WithCancellation(_stop.Token).ConfigureAwait(false))
            {
                if (!_queue.Writer.TryWrite(item))
                {
                    if (Volatile.Read(ref _failure) is null && !_stop.IsCancellationRequested)
                    {
                        OnOverflow();
                    }

                    return;
                }
            }

            _queue.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _queue.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            // The source's own failure, like a method's, is an application error (-32000).
            Fail(new RpcException(RpcErrorCodes.ServerError, ex.Message));
        }
    }

    private void OnOverflow()
    {
        if (_connection.Options.SubscriptionOverflow == RpcSubscriptionOverflow.CloseConnection)
        {
            _connection.Abort(new IOException($"Subscription {Id} overflowed its queue of {_connection.Options.SubscriptionQueueCapacity}; the client reads too slowly."));
            _queue.Writer.TryComplete();
            return;
        }

        // The client is behind by a whole queue: what is queued is dropped with the subscription.
        Fail(new RpcException(RpcErrorCodes.ServerError, "subscription queue overflow"), dropQueued: true);
    }

    /// <summary>
    /// Ends the subscription with an error the client is told about after what is still queued,
    /// or at once when <paramref name="dropQueued"/>. The failure is published before the drop flag,
    /// so a sender that sees the flag always finds the failure to report.
    /// </summary>
    private void Fail(RpcException failure, bool dropQueued = false)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is null)
        {
            if (dropQueued)
            {
                _dropQueued = true;
            }

            _connection.RemoveSubscription(Id, this);
            _queue.Writer.TryComplete();
        }
    }

    private async Task SendAsync()
    {
        ChannelReader<T> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (!_dropQueued && reader.TryRead(out T? item))
                {
                    bool sent;
                    await _sending.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        if (_stop.IsCancellationRequested)
                        {
                            // Unsubscribed: what is still queued is not sent.
                            return;
                        }

                        sent = await _connection.SendNotificationAsync(_notificationMethod, Id, item, _itemType).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // The item did not serialize.
                        // Drop the rest here even when an earlier failure won (it did not drop): Fail has
                        // published a failure either way, so the flag never comes without one.
                        Fail(new RpcException(RpcErrorCodes.InternalError, ex.Message));
                        _dropQueued = true;
                        break;
                    }
                    finally
                    {
                        _sending.Release();
                    }

                    if (!sent)
                    {
                        return;
                    }
                }

                if (_dropQueued)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        RpcException? failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            await _sending.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_stop.IsCancellationRequested)
                {
                    await _connection.SendNotificationErrorAsync(_notificationMethod, Id, failure.Code, failure.Message).ConfigureAwait(false);
                }
            }
            finally
            {
                _sending.Release();
            }
        }
    }
}
