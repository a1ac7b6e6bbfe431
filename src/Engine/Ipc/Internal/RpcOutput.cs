using System.Buffers;
using System.IO.Pipelines;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// The single write path of a connection: whole messages go into the pipe one at a time under a
/// gate, so concurrent responses and notifications never interleave (geth's <c>encMu</c>). A flush
/// that waits longer than the write timeout means the peer stopped reading: the connection is
/// aborted, as geth's write deadline (<c>defaultWriteTimeout</c>, 10 s) ends it.
/// </summary>
internal sealed class RpcOutput
{
    private readonly PipeWriter _writer;
    private readonly TimeSpan _timeout;
    private readonly Action<Exception> _abort;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _closed;

    /// <param name="writer">The connection's output.</param>
    /// <param name="timeout">Longest wait for one flush.</param>
    /// <param name="abort">Aborts the connection when a flush times out.</param>
    public RpcOutput(PipeWriter writer, TimeSpan timeout, Action<Exception> abort)
    {
        _writer = writer;
        _timeout = timeout;
        _abort = abort;
    }

    public bool IsClosed => _closed;

    /// <summary>Writes one message and flushes it. Returns false (and writes nothing) once the output is closed or broken.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> message)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                return false;
            }

            _writer.Write(message.Span);
            ValueTask<FlushResult> flush = _writer.FlushAsync();
            FlushResult result;
            if (flush.IsCompletedSuccessfully)
            {
                result = flush.Result;
            }
            else
            {
                try
                {
                    result = await flush.AsTask().WaitAsync(_timeout).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    _closed = true;
                    _abort(new IOException($"A write did not complete within {_timeout.TotalSeconds:0.#} s; the peer is not reading.", ex));
                    return false;
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                _closed = true;
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException)
        {
            // The transport completed or broke the writer under us: the peer is gone.
            _closed = true;
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops further writes at once and wakes a flush that is waiting on the peer.</summary>
    public void Close()
    {
        _closed = true;
        try
        {
            _writer.CancelPendingFlush();
        }
        catch (InvalidOperationException)
        {
            // The writer is already completed: nothing waits on it.
        }
    }

    /// <summary>Stops further writes after the one in progress, so the pipe can be completed safely.</summary>
    public async ValueTask DrainAndCloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        _closed = true;
        _gate.Release();
    }
}
