using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Devp2p.Transports.Internal;

namespace Devp2p.Internal;

/// <summary>
/// The <see cref="IMsgReadWriter"/> one protocol gets on one peer (go-ethereum's <c>protoRW</c>):
/// an inbound queue the peer's read loop fills, and writes that add the protocol's code offset.
/// </summary>
internal sealed class ProtocolChannel : IMsgReadWriter
{
    private readonly Peer _peer;
    private readonly RlpxConnection _connection;
    private readonly Channel<Msg> _inbound;
    private readonly bool _inlineDispatch;

    // A protocol woken by the read loop goes on at the end of the receive step that read the message
    // (or on the thread pool); the read loop, woken by a protocol's read that made room, always goes
    // to the thread pool.
    private readonly Hop _readHop = new(tail: true);
    private readonly Hop _writeHop = new(tail: false);

    /// <summary>Creates the channel of <paramref name="protocol"/> on <paramref name="peer"/>; with <paramref name="inlineDispatch"/> (<see cref="PeerOptions.InlineDispatch"/>) a waiting reader resumes inside the read loop's write.</summary>
    public ProtocolChannel(Peer peer, RlpxConnection connection, Protocol protocol, uint offset, int queueCapacity, bool inlineDispatch)
    {
        _inlineDispatch = inlineDispatch;
        _peer = peer;
        _connection = connection;
        Protocol = protocol;
        Offset = offset;
        _inbound = Channel.CreateBounded<Msg>(new BoundedChannelOptions(queueCapacity)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
            // A woken reader or writer resumes inside the call that woke it; ReadSlowAsync and
            // EnqueueSlowAsync then decide where it goes on (see _readHop and _writeHop).
            AllowSynchronousContinuations = true,
        });
    }

    public Protocol Protocol { get; }

    /// <summary>The first connection-level code of the protocol.</summary>
    public uint Offset { get; }

    /// <summary>Whether <paramref name="code"/> (connection level) belongs to this protocol.</summary>
    public bool Owns(ulong code) => code >= Offset && code - Offset < Protocol.Length;

    /// <summary>
    /// Queues a received message (code already relative), waiting while the queue is full; returns
    /// false, leaving the message to the caller, once the peer has ended.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(Msg msg)
    {
        if (_inbound.Writer.TryWrite(msg))
        {
            return new ValueTask<bool>(true);
        }

        return EnqueueSlowAsync(msg);
    }

    /// <summary>Ends the inbound queue: readers get the peer's disconnect once it is empty; queued messages are disposed.</summary>
    public void Complete()
    {
        _inbound.Writer.TryComplete();
        while (_inbound.Reader.TryRead(out Msg msg))
        {
            msg.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask<Msg> ReadMsgAsync(CancellationToken cancellationToken = default)
    {
        if (_inbound.Reader.TryRead(out Msg msg))
        {
            return new ValueTask<Msg>(msg);
        }

        return ReadSlowAsync(cancellationToken);
    }

    /// <inheritdoc/>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteMsgAsync(ulong code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (code >= Protocol.Length)
        {
            ThrowCodeOutOfRange(code);
        }

        if (_peer.IsEnding)
        {
            throw _peer.CreateDisconnectedException();
        }

        try
        {
            await _connection.WriteMsgAsync(code + Offset, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // The transport failed under us: that ends the peer, and the writer learns why.
            _peer.OnWriteFailed(ex);
            throw _peer.CreateDisconnectedException();
        }

        _peer.OnMessageSent(this, code, payload.Length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> EnqueueSlowAsync(Msg msg)
    {
        // No token: Complete() ends the wait when the peer ends.
        ValueTask write = _inbound.Writer.WriteAsync(msg);
        bool waited = !write.IsCompleted;
        bool written = true;
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            written = false;
        }

        if (waited)
        {
            // The read loop resumed inside the protocol's read that made room (or inside Complete):
            // leave that call, or the protocol would run our loop until it yields.
            await _writeHop;
        }

        return written;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Msg> ReadSlowAsync(CancellationToken cancellationToken)
    {
        // The Run token fires only when the peer ends, which also completes the queue: waiting
        // without it is equivalent and lets the channel reuse its waiter instead of allocating one.
        CancellationToken token = cancellationToken == _peer.RunToken ? CancellationToken.None : cancellationToken;
        ValueTask<Msg> read = _inbound.Reader.ReadAsync(token);
        bool waited = !read.IsCompleted;
        Msg msg = default;
        Exception? failure = null;
        try
        {
            msg = await read.ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            failure = _peer.CreateDisconnectedException();
        }
        catch (OperationCanceledException ex)
        {
            failure = ex;
        }

        if (waited && !_inlineDispatch)
        {
            // The wake-up ran this inside the read loop's write (or inside Complete, or the token's
            // Cancel): the protocol goes on elsewhere, at the end of the read loop's receive step
            // when there is one (one thread wake-up less than queuing), else on the thread pool.
            await _readHop;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return msg;
    }

    private void ThrowCodeOutOfRange(ulong code) =>
        throw new ArgumentOutOfRangeException(nameof(code), code, $"Message code {code} is outside protocol {Protocol}'s {Protocol.Length} codes.");

    /// <summary>
    /// An await that always suspends and resumes its caller elsewhere: with <c>tail</c>, at the end of
    /// the receive step running on this thread if there is one (<see cref="ReceiveTail"/>), otherwise
    /// on the thread pool. The item is reused, so a hop allocates nothing.
    /// </summary>
    private sealed class Hop(bool tail) : ICriticalNotifyCompletion, IThreadPoolWorkItem
    {
        private Action? _continuation;

        public bool IsCompleted => false;

        public Hop GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => throw new NotSupportedException("Only the channel awaits this, without flowing the execution context.");

        public void UnsafeOnCompleted(Action continuation)
        {
            if (Interlocked.CompareExchange(ref _continuation, continuation, null) is not null)
            {
                // Another reader of the same queue is mid-hop (concurrent readers): go without the reused item.
                ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
                return;
            }

            if (tail)
            {
                ReceiveTail.Post(this);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        void IThreadPoolWorkItem.Execute()
        {
            // Empty the slot before running: the continuation may hop again.
            Interlocked.Exchange(ref _continuation, null)!();
        }
    }
}
