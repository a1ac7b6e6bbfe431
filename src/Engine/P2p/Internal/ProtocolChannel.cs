using System.Runtime.CompilerServices;
using System.Threading.Channels;

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
            AllowSynchronousContinuations = inlineDispatch,
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
        try
        {
            // No token: Complete() ends the wait when the peer ends.
            await _inbound.Writer.WriteAsync(msg).ConfigureAwait(false);
            if (_inlineDispatch)
            {
                // With synchronous continuations the read loop resumed inside the protocol's read
                // that made room; leave that call, or the protocol would run our loop until it yields.
                await Task.Yield();
            }

            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Msg> ReadSlowAsync(CancellationToken cancellationToken)
    {
        // The Run token fires only when the peer ends, which also completes the queue: waiting
        // without it is equivalent and lets the channel reuse its waiter instead of allocating one.
        CancellationToken token = cancellationToken == _peer.RunToken ? CancellationToken.None : cancellationToken;
        try
        {
            return await _inbound.Reader.ReadAsync(token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw _peer.CreateDisconnectedException();
        }
    }

    private void ThrowCodeOutOfRange(ulong code) =>
        throw new ArgumentOutOfRangeException(nameof(code), code, $"Message code {code} is outside protocol {Protocol}'s {Protocol.Length} codes.");
}
