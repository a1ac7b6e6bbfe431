using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// One node-ipc stream connection (Unix socket, named pipe, TCP or TLS) on either side: a receive
/// loop that splits the input pipe into delimiter-terminated messages (or hands raw reads on) and
/// dispatches them in order, and a write path that serializes each message straight into the
/// output pipe under a lock, so concurrent emits never interleave.
/// </summary>
internal sealed class NodeIpcConnection : NodeIpcSender
{
    private readonly TransportConnection _transport;
    private readonly PipeWriter _output;
    private readonly NodeIpcDispatcher _dispatcher;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Utf8JsonWriter _json;
    private readonly byte[] _delimiter;
    private readonly bool _raw;
    private readonly int _maxMessageSize;
    private readonly Action<Exception, NodeIpcSocket?> _reportError;
    private readonly Action? _onReceived;
    private readonly ILogger _logger;
    private Exception? _abortReason;
    private volatile bool _closed;

    /// <param name="transport">The established connection; owned (and disposed) by this object from now on.</param>
    /// <param name="config">Framing settings: raw mode, delimiter, size limit.</param>
    /// <param name="dispatcher">Dispatches what this connection receives.</param>
    /// <param name="reportError">Raises the owner's error event; must not throw.</param>
    /// <param name="onReceived">Called whenever bytes arrive, before they are dispatched (the client's sync mode).</param>
    /// <param name="logger">Receives diagnostics.</param>
    public NodeIpcConnection(
        TransportConnection transport,
        NodeIpcConfig config,
        NodeIpcDispatcher dispatcher,
        Action<Exception, NodeIpcSocket?> reportError,
        Action? onReceived,
        ILogger logger)
    {
        _transport = transport;
        _output = transport.Transport.Output;
        _dispatcher = dispatcher;
        _reportError = reportError;
        _onReceived = onReceived;
        _logger = logger;
        _raw = config.RawBuffer;
        _delimiter = config.DelimiterBytes();
        _maxMessageSize = config.MaxMessageSize;
        _json = new Utf8JsonWriter(_output, NodeIpcMessageWriter.Options);
    }

    /// <summary>The server's view of this connection; null on the client side.</summary>
    public NodeIpcSocket? Socket { get; set; }

    public override bool IsOpen => !_closed;

    /// <summary>
    /// Receives and dispatches until the peer closes, the connection fails, a limit is broken or
    /// <see cref="RequestClose"/> is called; then closes the transport. Never throws: failures go to the error event.
    /// </summary>
    public async Task RunAsync()
    {
        PipeReader input = _transport.Transport.Input;
        CancellationToken token = _closing.Token;
        long scanned = 0;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    _onReceived?.Invoke();
                }

                if (_raw)
                {
                    if (!buffer.IsEmpty)
                    {
                        await _dispatcher.DispatchRawAsync(buffer, Socket, token).ConfigureAwait(false);
                    }

                    input.AdvanceTo(buffer.End);
                }
                else
                {
                    long oversized = 0;
                    while (NodeIpcFraming.TryReadMessage(ref buffer, _delimiter, ref scanned, out ReadOnlySequence<byte> message))
                    {
                        if (message.Length > _maxMessageSize)
                        {
                            oversized = message.Length;
                            break;
                        }

                        await _dispatcher.DispatchMessageAsync(message, Socket, token).ConfigureAwait(false);
                    }

                    if (oversized == 0 && buffer.Length > _maxMessageSize)
                    {
                        oversized = buffer.Length;
                    }

                    if (oversized != 0)
                    {
                        RejectOversized(oversized);
                        break;
                    }

                    // Consume the whole messages; mark the partial one examined so the next read waits for more bytes.
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (!buffer.IsEmpty && !_raw)
                    {
                        _logger.LogDebug("The node-ipc peer {Peer} closed with {Bytes} bytes of an unfinished message; they are dropped.", Describe(), buffer.Length);
                    }

                    break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Closed locally.
        }
        catch (Exception ex) when (Volatile.Read(ref _abortReason) is not null)
        {
            _logger.LogDebug(ex, "The node-ipc connection {Peer} was aborted.", Describe());
        }
        catch (Exception ex)
        {
            // A reset or another transport failure: node-ipc reports it as the socket's 'error'.
            _reportError(ex, Socket);
        }

        await ShutdownAsync(input).ConfigureAwait(false);
    }

    /// <summary>Asks the receive loop to stop and close the connection gracefully.</summary>
    public void RequestClose()
    {
        _closed = true;
        _closing.Cancel();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendMessageAsync<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            long before = _output.UnflushedBytes;
            _json.Reset();
            try
            {
                NodeIpcMessageWriter.Write(_json, type, state, writeData, _delimiter, _output);
            }
            catch (Exception ex) when (_output.UnflushedBytes != before)
            {
                // Part of the message reached the pipe and cannot be taken back: the peer could not
                // parse what follows, so this connection is finished.
                Abort(new NodeIpcException($"Serializing a '{type}' message failed after part of it was written; the connection was closed.", ex));
                throw;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            _output.Write(bytes.Span);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted || flush.IsCanceled)
        {
            throw new IOException("The node-ipc connection closed before the message was sent.");
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new IOException("The node-ipc connection is closed.");
        }
    }

    private void RejectOversized(long size)
    {
        var error = new NodeIpcException(
            $"A message from the node-ipc peer {Describe()} is at least {size} bytes without a delimiter, over MaxMessageSize ({_maxMessageSize} bytes); the connection was closed.");
        _reportError(error, Socket);
        Abort(error);
    }

    private void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, reason, null) is null)
        {
            _closed = true;
            _transport.Abort(reason);
            _closing.Cancel();
        }
    }

    private async Task ShutdownAsync(PipeReader input)
    {
        _closed = true;

        // A writer stuck behind back-pressure (a peer that stopped reading) must not hold up the close.
        _output.CancelPendingFlush();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await input.CompleteAsync().ConfigureAwait(false);
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Closing the node-ipc connection {Peer} failed.", Describe());
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private string Describe() => _transport.RemoteEndPoint?.ToString() ?? Socket?.Id ?? "(local)";
}
