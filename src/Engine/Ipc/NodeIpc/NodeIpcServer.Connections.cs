using Devp2p.Ipc.NodeIpc.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>Accepting connections, running them, and raising the server's events.</summary>
public sealed partial class NodeIpcServer
{
    private async Task AcceptLoopAsync(ITransportListener listener, CancellationToken stopping)
    {
        TransportConnection? transport;
        while (true)
        {
            try
            {
                transport = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ReportError(ex, null);
                return;
            }

            if (transport is null)
            {
                return;
            }

            if (_running.Count >= _config.MaxConnections)
            {
                // node-ipc sets net.Server.maxConnections, which closes connections over the limit at once.
                _logger.LogWarning(
                    "node-ipc server at MaxConnections ({Max}); closed the connection from {Remote}.",
                    _config.MaxConnections,
                    transport.RemoteEndPoint?.ToString() ?? "a local peer");
                transport.Abort(new NodeIpcException($"The node-ipc server is at MaxConnections ({_config.MaxConnections})."));
                await transport.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            var dispatcher = new NodeIpcDispatcher(_handlers, _dataHandlers, _reportError, captureId: true);
            var connection = new NodeIpcConnection(transport, _config, dispatcher, _reportError, onReceived: null, _logger);
            var socket = new NodeIpcSocket(connection, transport.RemoteEndPoint, isDatagram: false);
            connection.Socket = socket;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _running[socket] = done.Task;
            lock (_gate)
            {
                _connected.Add(socket);
            }

            _ = RunConnectionAsync(socket, connection, done);
        }
    }

    private async Task RunConnectionAsync(NodeIpcSocket socket, NodeIpcConnection connection, TaskCompletionSource done)
    {
        try
        {
            // Off the accept loop: connect handlers and the first messages must not delay other accepts.
            await Task.Yield();
            _logger.LogDebug("node-ipc socket connected: {Socket}.", socket);
            RaiseConnected(socket);
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _connected.Remove(socket);
            }

            _running.TryRemove(socket, out _);
            _logger.LogDebug("node-ipc socket disconnected: {Socket}.", socket);
            RaiseSocketDisconnected(socket);
            done.SetResult();
        }
    }

    private void ReportError(Exception error, NodeIpcSocket? socket)
    {
        _logger.LogDebug(error, "node-ipc server error on {Socket}.", socket?.ToString() ?? "the server");
        Action<Exception, NodeIpcSocket?>? handlers = Error;
        if (handlers is null)
        {
            return;
        }

        foreach (Action<Exception, NodeIpcSocket?> handler in handlers.GetInvocationList().Cast<Action<Exception, NodeIpcSocket?>>())
        {
            try
            {
                handler(error, socket);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A node-ipc server error handler threw.");
            }
        }
    }

    private void RaiseConnected(NodeIpcSocket socket)
    {
        Action<NodeIpcSocket>? handlers = Connected;
        if (handlers is null)
        {
            return;
        }

        foreach (Action<NodeIpcSocket> handler in handlers.GetInvocationList().Cast<Action<NodeIpcSocket>>())
        {
            try
            {
                handler(socket);
            }
            catch (Exception ex)
            {
                ReportError(ex, socket);
            }
        }
    }

    private void RaiseSocketDisconnected(NodeIpcSocket socket)
    {
        Action<NodeIpcSocket, string?>? handlers = SocketDisconnected;
        if (handlers is null)
        {
            return;
        }

        foreach (Action<NodeIpcSocket, string?> handler in handlers.GetInvocationList().Cast<Action<NodeIpcSocket, string?>>())
        {
            try
            {
                handler(socket, socket.Id);
            }
            catch (Exception ex)
            {
                ReportError(ex, socket);
            }
        }
    }

    private void RaiseDestroyed()
    {
        Action? handlers = Destroyed;
        if (handlers is null)
        {
            return;
        }

        foreach (Action handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception ex)
            {
                ReportError(ex, null);
            }
        }
    }
}
