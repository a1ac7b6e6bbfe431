using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Devp2p.Transports.Internal;

/// <summary>
/// A connected stream socket (TCP or Unix domain) behind two pipes, with one receive loop filling
/// the input pipe and one send loop draining the output pipe. The shape follows Kestrel's socket
/// transport: pipe thresholds for back-pressure, the shutdown reason passed to <c>Complete</c>, and
/// optionally a zero-byte receive before renting memory (<see cref="TransportOptions.WaitForDataBeforeAllocatingBuffer"/>,
/// off by default, unlike Kestrel: a node's connections are few and busy, and it costs a system call per receive).
/// </summary>
internal sealed class SocketConnection : TransportConnection
{
    // Smallest buffer asked of the input pipe per receive; the pool hands out whole segments
    // (4 KiB by default), so this only sets the floor.
    private const int MinimumReceiveBufferSize = 2048;

    /// <summary>
    /// Receives of at most this many bytes let the application's read continue inline: a small
    /// receive means the application is keeping up, a large one a burst in which the receive loop
    /// and the application do better on separate threads (a 1 KiB message frame is about 1.1 KiB).
    /// </summary>
    private const int InlineReceiveLimit = 4096;

    /// <summary>
    /// After sending, further flushes within this window queue the send loop instead of running it
    /// inline: the application is streaming, and while the loop sends, the next frames collect behind
    /// it and go out in one call. An isolated flush (a reply, a ping) still sends on the caller's thread.
    /// </summary>
    private static readonly long s_streamingWindow = Stopwatch.Frequency / 100_000; // 10 µs

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly ILogger _logger;
    private readonly bool _waitForData;

    // Input: the application's reads continue inline after a small receive (one hop less on the
    // latency path) and on the thread pool after a large one (decrypting a burst overlaps the next
    // receive). Output: the send loop runs inline on the flushing thread unless the application is
    // streaming (see s_streamingWindow). Resumed flushes always go to the thread pool.
    private readonly ConnectionScheduler _inputReaderScheduler = new();
    private readonly ConnectionScheduler _outputReaderScheduler = new() { InlineNext = true };
    private readonly ConnectionScheduler _outputWriterScheduler = new();
    private readonly Lock _gate = new();
    private Task _receiveTask = Task.CompletedTask;
    private Task _sendTask = Task.CompletedTask;
    private Task _closed = Task.CompletedTask;
    private Exception? _abortReason;
    private bool _socketDisposed;
    private int _closeStarted;

    // The receive loop's continuation while it is parked on a pending receive, and the cached
    // delegate that resumes it inside a receive tail (see ParkedReceive).
    private Action? _parkedReceive;
    private readonly Action _resumeReceive;

    public SocketConnection(Socket socket, TransportOptions options, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        _resumeReceive = ResumeReceive;
        _waitForData = options.WaitForDataBeforeAllocatingBuffer;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;

        // The socket loops resume inline (they already run on thread-pool threads); how the
        // application's side resumes is set by the schedulers above.
        _input = new Pipe(new PipeOptions(
            options.MemoryPool,
            minimumSegmentSize: Math.Min(options.MinimumSegmentSize, options.MemoryPool.MaxBufferSize),
            readerScheduler: _inputReaderScheduler,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.ReceivePauseThreshold,
            resumeWriterThreshold: options.ReceiveResumeThreshold,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            options.MemoryPool,
            minimumSegmentSize: Math.Min(options.MinimumSegmentSize, options.MemoryPool.MaxBufferSize),
            readerScheduler: _outputReaderScheduler,
            writerScheduler: _outputWriterScheduler,
            pauseWriterThreshold: options.SendPauseThreshold,
            resumeWriterThreshold: options.SendResumeThreshold,
            useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
    }

    public override IDuplexPipe Transport { get; }

    public override EndPoint? LocalEndPoint { get; }

    public override EndPoint? RemoteEndPoint { get; }

    public override Task Closed => _closed;

    /// <summary>Starts both loops; called once by the listener or dialer that created the connection.</summary>
    public void Start()
    {
        _receiveTask = ReceiveLoopAsync();
        _sendTask = SendLoopAsync();
        _closed = WaitForLoopsAsync();
    }

    public override void Abort(Exception? reason = null)
    {
        lock (_gate)
        {
            if (_abortReason is not null)
            {
                return;
            }

            _abortReason = reason ?? new ConnectionAbortedException();
        }

        try
        {
            // Linger 0 makes close send RST instead of FIN, so the peer can tell an abort from a clean end.
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: the peer has seen the end either way.
        }

        DisposeSocket();

        // Wake loops parked on the pipes rather than on the socket.
        _output.Reader.CancelPendingRead();
        _input.Writer.CancelPendingFlush();
    }

    public override async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            await _closed.ConfigureAwait(false);
            return;
        }

        _output.Writer.Complete();
        _input.Reader.Complete();
        try
        {
            await _sendTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Abort(new ConnectionAbortedException("The graceful close timed out; the connection was aborted."));
        }

        // The FIN is out (or the connection is aborted); nothing more will be read by the application.
        DisposeSocket();
        await _closed.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                // Parked on a receive, the step that just ended runs its tail (see ReceiveTail).
                int received;
                if (_waitForData)
                {
                    // Wait for readable data before renting a buffer, so an idle connection holds no pool memory.
                    await new ParkedReceive(this, _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None));
                    Memory<byte> memory = writer.GetMemory(MinimumReceiveBufferSize);
                    received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                }
                else
                {
                    received = await new ParkedReceive(this, _socket.ReceiveAsync(writer.GetMemory(MinimumReceiveBufferSize), SocketFlags.None));
                }

                if (received == 0)
                {
                    // FIN from the peer: a clean end of the input.
                    break;
                }

                writer.Advance(received);
                _inputReaderScheduler.InlineNext = received <= InlineReceiveLimit;

                // Back-pressure: this waits while the application has ReceivePauseThreshold bytes unread.
                FlushResult flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = MapError(ex, "receive");
        }
        finally
        {
            _inputReaderScheduler.InlineNext = false;
            Exception? reason = _abortReason ?? error;
            writer.Complete(reason);
            if (error is not null && _abortReason is null && Volatile.Read(ref _closeStarted) == 0)
            {
                // A reset on the receive side ends the send side too.
                Abort(error);
            }
        }
    }

    /// <summary>Resumes the receive loop from the receive it parked on inside a receive tail, then runs what the step left in it.</summary>
    private void ResumeReceive()
    {
        Action continuation = _parkedReceive!;
        _parkedReceive = null;
        if (!ReceiveTail.Open())
        {
            continuation();
            return;
        }

        try
        {
            continuation();
        }
        finally
        {
            ReceiveTail.Close();
        }
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await SendAsync(buffer).ConfigureAwait(false);
                    _outputReaderScheduler.QueueUntil(Stopwatch.GetTimestamp() + s_streamingWindow);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = MapError(ex, "send");
        }
        finally
        {
            // The application's FlushAsync now reports IsCompleted instead of waiting forever.
            reader.Complete(_abortReason ?? error);
            if (error is not null)
            {
                Abort(error);
            }
            else if (_abortReason is null)
            {
                ShutdownSend();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await SendAllAsync(buffer.First).ConfigureAwait(false);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            await SendAllAsync(segment).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        // Stream sockets normally send everything in one call; the loop covers a partial send.
        while (!data.IsEmpty)
        {
            int sent = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The socket is already gone; the peer sees the end anyway.
        }
    }

    private void DisposeSocket()
    {
        lock (_gate)
        {
            if (_socketDisposed)
            {
                return;
            }

            _socketDisposed = true;
        }

        _socket.Dispose();
    }

    private async Task WaitForLoopsAsync()
    {
        // Neither loop throws: both catch and report through the pipes.
        await _receiveTask.ConfigureAwait(false);
        await _sendTask.ConfigureAwait(false);
        DisposeSocket();
        _logger.LogDebug("Connection {Local} <-> {Remote} closed.", LocalEndPoint, RemoteEndPoint);
    }

    private Exception MapError(Exception ex, string direction)
    {
        Exception? abort = _abortReason;
        if (abort is not null)
        {
            return abort;
        }

        if (ex is SocketException socketError && IsResetError(socketError.SocketErrorCode))
        {
            _logger.LogDebug("Connection {Remote} reset during {Direction}.", RemoteEndPoint, direction);
            return new ConnectionResetException($"The connection to {RemoteEndPoint} was reset by the peer during {direction}.", ex);
        }

        if (ex is ObjectDisposedException || (ex is SocketException s && IsLocalCloseError(s.SocketErrorCode)))
        {
            return new ConnectionAbortedException("The connection was closed locally.", ex);
        }

        _logger.LogDebug(ex, "Connection {Remote} failed during {Direction}.", RemoteEndPoint, direction);
        return ex;
    }

    // An operation pending when the socket is disposed ends with OperationAborted; on Unix the
    // runtime can also report Interrupted or InvalidArgument for the same event.
    private static bool IsLocalCloseError(SocketError error) =>
        error == SocketError.OperationAborted
            || (!OperatingSystem.IsWindows() && error is SocketError.Interrupted or SocketError.InvalidArgument);

    private static bool IsResetError(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown
            || (error == SocketError.ConnectionAborted && RuntimeInformation.IsOSPlatform(OSPlatform.Windows));

    /// <summary>
    /// Awaits the receive the loop parks on (zero-byte or into a buffer) so that the loop resumes through <see cref="ResumeReceive"/>
    /// (a receive tail around the step) rather than straight from the socket engine. When the receive
    /// completes at once, the step goes on with more input: what its tail holds is queued instead.
    /// </summary>
    private readonly struct ParkedReceive : ICriticalNotifyCompletion
    {
        private readonly SocketConnection _owner;
        private readonly ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _receive;

        public ParkedReceive(SocketConnection owner, ValueTask<int> receive)
        {
            _owner = owner;
            _receive = receive.ConfigureAwait(false).GetAwaiter();
        }

        public bool IsCompleted
        {
            get
            {
                if (_receive.IsCompleted)
                {
                    ReceiveTail.Release();
                    return true;
                }

                return false;
            }
        }

        public ParkedReceive GetAwaiter() => this;

        public int GetResult() => _receive.GetResult();

        public void OnCompleted(Action continuation) => throw new NotSupportedException("Only the receive loop awaits this, without flowing the execution context.");

        public void UnsafeOnCompleted(Action continuation)
        {
            _owner._parkedReceive = continuation;
            _receive.UnsafeOnCompleted(_owner._resumeReceive);
        }
    }
}
