using System.IO.Pipelines;
using System.Net;

namespace Devp2p.Transports.Internal;

/// <summary>
/// One end of an in-memory pair: reads the pipe the peer writes and writes the pipe the peer reads.
/// Graceful close completes the outbound writer (the peer's reader ends cleanly); abort completes it
/// with <see cref="ConnectionResetException"/> (the peer's reader throws it), as a TCP RST would.
/// </summary>
internal sealed class InMemoryConnection : TransportConnection
{
    private readonly AbortablePipeReader _input;
    private readonly PipeWriter _output;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;

    public InMemoryConnection(PipeReader input, PipeWriter output, EndPoint local, EndPoint remote)
    {
        _input = new AbortablePipeReader(input);
        _output = output;
        LocalEndPoint = local;
        RemoteEndPoint = remote;
        Transport = new DuplexPipe(_input, output);
    }

    public override IDuplexPipe Transport { get; }

    public override EndPoint? LocalEndPoint { get; }

    public override EndPoint? RemoteEndPoint { get; }

    /// <summary>Completes when this end was closed or aborted; there is no channel to wait for.</summary>
    public override Task Closed => _closed.Task;

    public override void Abort(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _output.Complete(new ConnectionResetException("The in-memory peer aborted the connection."));
        _input.Abort(reason ?? new ConnectionAbortedException());
        _closed.TrySetResult();
    }

    public override ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            // Nothing is buffered outside the pipe, so completing the writer is the whole flush.
            _output.Complete();
            _closed.TrySetResult();
        }

        // Also after an abort: the application is done with the input, so release its segments and
        // let the peer's FlushAsync report completion instead of waiting on a reader that is gone.
        _input.Complete();
        return new ValueTask(_closed.Task);
    }
}
