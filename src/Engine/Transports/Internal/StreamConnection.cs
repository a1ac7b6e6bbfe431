using System.IO.Pipelines;
using System.Net;

namespace Devp2p.Transports.Internal;

/// <summary>
/// A connection over a bidirectional <see cref="Stream"/> (named pipes), where there is no socket
/// to drive with our own loops: <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> and
/// <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions?)"/> adapt the stream directly.
/// Abort disposes the stream; a pipe has no reset, so the peer sees a plain end of stream.
/// </summary>
internal sealed class StreamConnection : TransportConnection
{
    private readonly Stream _stream;
    private readonly AbortablePipeReader _input;
    private readonly PipeWriter _output;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;

    public StreamConnection(Stream stream, TransportOptions options, EndPoint? local, EndPoint? remote)
    {
        _stream = stream;
        _input = new AbortablePipeReader(PipeReader.Create(stream, new StreamPipeReaderOptions(options.MemoryPool, leaveOpen: true)));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(options.MemoryPool, leaveOpen: true));
        LocalEndPoint = local;
        RemoteEndPoint = remote;
        Transport = new DuplexPipe(_input, _output);
    }

    public override IDuplexPipe Transport { get; }

    public override EndPoint? LocalEndPoint { get; }

    public override EndPoint? RemoteEndPoint { get; }

    public override Task Closed => _closed.Task;

    public override void Abort(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _input.Abort(reason ?? new ConnectionAbortedException());
        _stream.Dispose();
        _closed.TrySetResult();
    }

    public override async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            try
            {
                // Completing the stream writer flushes what the application wrote but did not flush.
                await _output.CompleteAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The peer is gone or the close ran out of time: nothing more can be delivered.
            }

            await _stream.DisposeAsync().ConfigureAwait(false);
            _closed.TrySetResult();
        }
        else
        {
            // Aborted (or closed twice): completing with an error returns the writer's buffers
            // without writing to the disposed stream.
            await _output.CompleteAsync(new ConnectionAbortedException()).ConfigureAwait(false);
        }

        await _input.CompleteAsync().ConfigureAwait(false);
    }
}
