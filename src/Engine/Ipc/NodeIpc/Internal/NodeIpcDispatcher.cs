using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// Turns received messages into handler calls for one connection (or one UDP endpoint): reads the
/// envelope, updates the socket id, and awaits each handler of the type in registration order, so
/// messages are handled in the order they arrived. A handler's exception goes to the error event
/// and the next message is handled as usual. Not thread-safe: one receive loop uses it.
/// </summary>
internal sealed class NodeIpcDispatcher
{
    // Enough of a malformed message to recognise it in an error report without echoing megabytes.
    private const int MaxPreviewBytes = 1024;

    private readonly NodeIpcEnvelopeReader _envelopes = new();
    private readonly NodeIpcInbound _inbound = new();
    private readonly NodeIpcHandlerTable _handlers;
    private readonly NodeIpcDataHandlerList _dataHandlers;
    private readonly Action<Exception, NodeIpcSocket?> _reportError;
    private readonly bool _captureId;

    /// <param name="handlers">The message handlers by type.</param>
    /// <param name="dataHandlers">The raw-buffer data handlers.</param>
    /// <param name="reportError">Raises the owner's error event; must not throw.</param>
    /// <param name="captureId">Whether received <c>data.id</c> values name the socket (server side).</param>
    public NodeIpcDispatcher(NodeIpcHandlerTable handlers, NodeIpcDataHandlerList dataHandlers, Action<Exception, NodeIpcSocket?> reportError, bool captureId)
    {
        _handlers = handlers;
        _dataHandlers = dataHandlers;
        _reportError = reportError;
        _captureId = captureId;
    }

    /// <summary>Dispatches one JSON message (without its delimiter), borrowed until the returned task completes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DispatchMessageAsync(ReadOnlySequence<byte> message, NodeIpcSocket? socket, CancellationToken cancellationToken)
    {
        NodeIpcHandler[]? handlers = Prepare(message, socket);
        if (handlers is null)
        {
            return;
        }

        try
        {
            foreach (NodeIpcHandler handler in handlers)
            {
                try
                {
                    await handler.InvokeAsync(_inbound, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    _reportError(ex, socket);
                }
            }
        }
        finally
        {
            _inbound.Reset();
        }
    }

    /// <summary>Hands one read to the raw-buffer data handlers, borrowed until the returned task completes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask DispatchRawAsync(ReadOnlySequence<byte> data, NodeIpcSocket? socket, CancellationToken cancellationToken)
    {
        foreach (Func<ReadOnlySequence<byte>, NodeIpcSocket?, CancellationToken, ValueTask> handler in _dataHandlers.Handlers)
        {
            try
            {
                await handler(data, socket, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                _reportError(ex, socket);
            }
        }
    }

    private NodeIpcHandler[]? Prepare(ReadOnlySequence<byte> message, NodeIpcSocket? socket)
    {
        NodeIpcEnvelope envelope = _envelopes.Read(message, _captureId && socket is not null, socket?.Id);
        switch (envelope.Kind)
        {
            case NodeIpcEnvelopeKind.Malformed:
                // node-ipc publishes this as an 'error' event and keeps the connection.
                _reportError(
                    new NodeIpcException($"Invalid JSON message from the node-ipc peer: {envelope.Error}", Preview(message), null),
                    socket);
                return null;
            case NodeIpcEnvelopeKind.NoType:
                return null;
        }

        if (envelope.Id is not null && socket is not null)
        {
            socket.Id = envelope.Id;
        }

        NodeIpcHandler[]? handlers = _handlers.Find(_envelopes.Type);
        if (handlers is not null)
        {
            _inbound.Set(envelope.Data, envelope.HasData, socket);
        }

        return handlers;
    }

    private static string Preview(ReadOnlySequence<byte> message) =>
        Encoding.UTF8.GetString(message.Length > MaxPreviewBytes ? message.Slice(0, MaxPreviewBytes) : message);
}
