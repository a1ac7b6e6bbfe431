using System.Threading.Channels;

namespace Devp2p;

/// <summary>One end of a <see cref="MsgPipe"/>. Safe to use from several tasks at once.</summary>
public sealed class MsgPipeEnd : IMsgReadWriter, IDisposable
{
    private readonly ChannelWriter<Msg> _out;
    private readonly ChannelReader<Msg> _in;
    private readonly SharedState _shared;

    internal MsgPipeEnd(ChannelWriter<Msg> output, ChannelReader<Msg> input, SharedState shared)
    {
        _out = output;
        _in = input;
        _shared = shared;
    }

    /// <inheritdoc/>
    public async ValueTask<Msg> ReadMsgAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _in.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new MsgPipeClosedException();
        }
    }

    /// <inheritdoc/>
    /// <remarks>Any code is accepted: a pipe has no protocol Length.</remarks>
    public async ValueTask WriteMsgAsync(ulong code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (_shared.IsClosed)
        {
            throw new MsgPipeClosedException();
        }

        Msg msg = Msg.Create(code, payload.Span);
        try
        {
            await _out.WriteAsync(msg, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            msg.Dispose();
            throw new MsgPipeClosedException();
        }
        catch
        {
            msg.Dispose();
            throw;
        }

        // A Close that raced the write may have drained before the message landed: drop it here.
        if (_shared.IsClosed)
        {
            _shared.Drain();
        }
    }

    /// <summary>Closes both ends: pending and later reads and writes throw <see cref="MsgPipeClosedException"/>; queued messages are disposed. Idempotent.</summary>
    public void Close() => _shared.Close();

    /// <summary>Closes the pipe, as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>The state both ends share: the two channels and whether the pipe is closed.</summary>
    internal sealed class SharedState(Channel<Msg> forward, Channel<Msg> backward)
    {
        private int _closed;

        public bool IsClosed => Volatile.Read(ref _closed) != 0;

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            forward.Writer.TryComplete();
            backward.Writer.TryComplete();
            Drain();
        }

        public void Drain()
        {
            while (forward.Reader.TryRead(out Msg msg))
            {
                msg.Dispose();
            }

            while (backward.Reader.TryRead(out Msg msg))
            {
                msg.Dispose();
            }
        }
    }
}
