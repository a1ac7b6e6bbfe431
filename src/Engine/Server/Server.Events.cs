using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Devp2p.Internal;

namespace Devp2p;

/// <content>Peer events (go-ethereum's <c>peerFeed</c>) and the per-message observer behind msgsend/msgrecv and the traffic counters.</content>
public sealed partial class Server : IPeerObserver
{
    /// <summary>Events buffered per subscriber by default.</summary>
    public const int DefaultEventBufferCapacity = 1024;

    private readonly object _subscriberLock = new();
    private ImmutableArray<Channel<PeerEvent>> _subscribers = ImmutableArray<Channel<PeerEvent>>.Empty;
    private bool _subscribersCompleted;

    /// <summary>
    /// Subscribes to peer events: add and drop always; msgsend and msgrecv only with
    /// <see cref="ServerConfig.EnableMsgEvents"/>. Events are never waited for: each subscriber has
    /// its own buffer of <paramref name="capacity"/> events, and when it is full the OLDEST buffered
    /// event is dropped to make room (counted by the <c>devp2p.server.events.dropped</c> metric), so a
    /// slow reader loses history, never the latest state, and never slows the server.
    /// </summary>
    /// <param name="capacity">Events buffered for this subscriber; at least 1.</param>
    /// <param name="cancellationToken">Ends the subscription: the reader completes after what is buffered.</param>
    /// <returns>The reader; it completes when the subscription ends or the server has stopped.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1.</exception>
    public ChannelReader<PeerEvent> SubscribeEvents(int capacity = DefaultEventBufferCapacity, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Channel<PeerEvent> channel = Channel.CreateBounded<PeerEvent>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            },
            static _ => ServerMetrics.EventsDropped.Add(1));
        lock (_subscriberLock)
        {
            if (_subscribersCompleted)
            {
                channel.Writer.TryComplete();
                return channel.Reader;
            }

            ImmutableInterlocked.InterlockedExchange(ref _subscribers, _subscribers.Add(channel));
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.UnsafeRegister(static (state, _) => ((Server)((object[])state!)[0]).Unsubscribe((Channel<PeerEvent>)((object[])state!)[1]), new object[] { this, channel });
        }

        return channel.Reader;
    }

    /// <summary>
    /// The events of <see cref="SubscribeEvents"/> as an async stream: subscribes on the first
    /// MoveNext and unsubscribes when the enumeration ends or <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="capacity">Events buffered; when full the oldest is dropped.</param>
    /// <param name="cancellationToken">Ends the enumeration (with <see cref="OperationCanceledException"/>).</param>
    /// <returns>The events until the server stops.</returns>
    public async IAsyncEnumerable<PeerEvent> ReadEventsAsync(int capacity = DefaultEventBufferCapacity, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ChannelReader<PeerEvent> reader = SubscribeEvents(capacity, subscription.Token);
        try
        {
            await foreach (PeerEvent e in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            await subscription.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    void IPeerObserver.OnMessage(Peer peer, Protocol protocol, ulong code, int size, bool sent)
    {
        if (sent)
        {
            ServerMetrics.MessagesOut.Add(1);
            ServerMetrics.BytesOut.Add(size);
        }
        else
        {
            ServerMetrics.MessagesIn.Add(1);
            ServerMetrics.BytesIn.Add(size);
        }

        if (_config.EnableMsgEvents && !_subscribers.IsEmpty)
        {
            Emit(new PeerEvent
            {
                Type = sent ? PeerEventType.MsgSend : PeerEventType.MsgRecv,
                Peer = peer.Id,
                Protocol = protocol.Name,
                MsgCode = code,
                MsgSize = (uint)size,
            });
        }
    }

    /// <summary>Offers <paramref name="e"/> to every subscriber without waiting (full buffers drop their oldest).</summary>
    private void Emit(PeerEvent e)
    {
        foreach (Channel<PeerEvent> subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(e);
        }
    }

    private void Unsubscribe(Channel<PeerEvent> channel)
    {
        lock (_subscriberLock)
        {
            ImmutableInterlocked.InterlockedExchange(ref _subscribers, _subscribers.Remove(channel));
        }

        channel.Writer.TryComplete();
    }

    /// <summary>At the end of Stop: every reader completes after its buffered events.</summary>
    private void CompleteSubscribers()
    {
        ImmutableArray<Channel<PeerEvent>> subscribers;
        lock (_subscriberLock)
        {
            _subscribersCompleted = true;
            subscribers = _subscribers;
            ImmutableInterlocked.InterlockedExchange(ref _subscribers, ImmutableArray<Channel<PeerEvent>>.Empty);
        }

        foreach (Channel<PeerEvent> subscriber in subscribers)
        {
            subscriber.Writer.TryComplete();
        }
    }
}
