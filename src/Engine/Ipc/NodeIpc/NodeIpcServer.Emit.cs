using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;
using Devp2p.Ipc.NodeIpc.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>Emit and broadcast (node-ipc's <c>server.emit(socket, type, data)</c> and <c>server.broadcast(type, data)</c>).</summary>
public sealed partial class NodeIpcServer
{
    /// <summary>
    /// Sends <c>{"type":type,"data":{}}</c> to <paramref name="socket"/>. In raw-buffer mode sends
    /// <paramref name="type"/> itself, encoded with <see cref="NodeIpcConfig.Encoding"/>, as node-ipc does.
    /// </summary>
    /// <param name="socket">The peer, from a handler, an event, <see cref="Sockets"/> or <see cref="GetUdpSocket"/>.</param>
    /// <param name="type">The message type.</param>
    /// <param name="cancellationToken">Cancels waiting for the write (the message is then either wholly sent or not at all).</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    public ValueTask EmitAsync(NodeIpcSocket socket, string type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(socket, type, cancellationToken)
            : socket.Sender.SendMessageAsync(type, (byte)0, NodeIpcDataWriters.EmptyObject, cancellationToken);
    }

    /// <summary>Sends a message whose data is a string; null or empty sends <c>{}</c>, as node-ipc does for falsy data.</summary>
    /// <param name="socket">The peer.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels waiting for the write.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    public ValueTask EmitAsync(NodeIpcSocket socket, string type, string? data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(socket, type, cancellationToken)
            : socket.Sender.SendMessageAsync(type, data, NodeIpcDataWriters.String, cancellationToken);
    }

    /// <summary>Sends a message whose data is any JSON value; undefined, null or an empty string sends <c>{}</c>.</summary>
    /// <param name="socket">The peer.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data; it is written before this method returns its task, so the caller may dispose its document afterwards.</param>
    /// <param name="cancellationToken">Cancels waiting for the write.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    public ValueTask EmitAsync(NodeIpcSocket socket, string type, JsonElement data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(socket, type, cancellationToken)
            : socket.Sender.SendMessageAsync(type, data, NodeIpcDataWriters.Element, cancellationToken);
    }

    /// <summary>Sends a message whose data is serialized with <paramref name="typeInfo"/>; null or an empty string sends <c>{}</c>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="socket">The peer.</param>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the write.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    /// <exception cref="NotSupportedException">The data cannot be serialized; if part of it was already written, the connection is closed.</exception>
    public ValueTask EmitAsync<T>(NodeIpcSocket socket, string type, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _config.RawBuffer
            ? EmitRawAsync(socket, type, cancellationToken)
            : socket.Sender.SendMessageAsync(type, (data, typeInfo), NodeIpcDataWriters.Typed<T>(), cancellationToken);
    }

    /// <summary>
    /// Sends bytes exactly as given, with no JSON and no delimiter: raw-buffer payloads (node-ipc's
    /// <c>emit(socket, buffer)</c> with <c>rawBuffer</c>), or, in JSON mode, bytes the caller framed.
    /// On UDP the bytes are one datagram.
    /// </summary>
    /// <param name="socket">The peer.</param>
    /// <param name="bytes">The bytes; not kept after the returned task completes.</param>
    /// <param name="cancellationToken">Cancels waiting for the write.</param>
    /// <returns>A task that completes when the bytes are handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    public ValueTask EmitRawAsync(NodeIpcSocket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.Sender.SendBytesAsync(bytes, cancellationToken);
    }

    /// <summary>Sends <paramref name="text"/> encoded with <see cref="NodeIpcConfig.Encoding"/> (node-ipc's <c>Buffer.from(text, encoding)</c>), unframed.</summary>
    /// <param name="socket">The peer.</param>
    /// <param name="text">The text; with encoding hex, a hex string such as <c>"0a141e"</c>.</param>
    /// <param name="cancellationToken">Cancels waiting for the write.</param>
    /// <returns>A task that completes when the bytes are handed to the transport.</returns>
    /// <exception cref="IOException">The socket is closed.</exception>
    public ValueTask EmitRawAsync(NodeIpcSocket socket, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(text);
        return socket.Sender.SendBytesAsync(NodeIpcRawEncoding.GetBytes(text, _config.Encoding), cancellationToken);
    }

    /// <summary>Sends <c>{"type":type,"data":{}}</c> to every socket in <see cref="Sockets"/> (raw-buffer mode: the encoded type).</summary>
    /// <param name="type">The message type.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to; sockets that closed meanwhile are skipped.</returns>
    public ValueTask BroadcastAsync(string type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? BroadcastRawAsync(type, cancellationToken)
            : BroadcastMessageAsync(type, (byte)0, NodeIpcDataWriters.EmptyObject, cancellationToken);
    }

    /// <summary>Sends a message with string data to every socket (null or empty sends <c>{}</c>).</summary>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to.</returns>
    public ValueTask BroadcastAsync(string type, string? data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? BroadcastRawAsync(type, cancellationToken)
            : BroadcastMessageAsync(type, data, NodeIpcDataWriters.String, cancellationToken);
    }

    /// <summary>Sends a message with any JSON data to every socket.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data; serialized once before the first write.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to.</returns>
    public ValueTask BroadcastAsync(string type, JsonElement data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? BroadcastRawAsync(type, cancellationToken)
            : BroadcastMessageAsync(type, data, NodeIpcDataWriters.Element, cancellationToken);
    }

    /// <summary>Sends a message with data serialized by <paramref name="typeInfo"/> to every socket.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data; serialized once before the first write.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to.</returns>
    /// <exception cref="NotSupportedException">The data cannot be serialized; nothing was sent.</exception>
    public ValueTask BroadcastAsync<T>(string type, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _config.RawBuffer
            ? BroadcastRawAsync(type, cancellationToken)
            : BroadcastMessageAsync(type, (data, typeInfo), NodeIpcDataWriters.Typed<T>(), cancellationToken);
    }

    /// <summary>Sends bytes exactly as given to every socket.</summary>
    /// <param name="bytes">The bytes; not kept after the returned task completes.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to.</returns>
    public ValueTask BroadcastRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        BroadcastBytesAsync(bytes, cancellationToken);

    /// <summary>Sends <paramref name="text"/> encoded with <see cref="NodeIpcConfig.Encoding"/> to every socket, unframed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels waiting for the writes.</param>
    /// <returns>A task that completes when every socket has been written to.</returns>
    public ValueTask BroadcastRawAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return BroadcastBytesAsync(NodeIpcRawEncoding.GetBytes(text, _config.Encoding), cancellationToken);
    }

    private async ValueTask BroadcastMessageAsync<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, CancellationToken cancellationToken)
    {
        // Serialize once; every socket gets the same bytes, as node-ipc's broadcast writes one string to each.
        using PooledBufferWriter message = NodeIpcMessageWriter.Serialize(type, state, writeData, _delimiter);
        await BroadcastBytesAsync(message.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask BroadcastBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // Every write starts before any is awaited, so a peer that stopped reading (its write waits
        // on back-pressure) does not hold up the sockets after it.
        List<Task>? pending = null;
        foreach (NodeIpcSocket socket in Sockets)
        {
            ValueTask write = socket.Sender.SendBytesAsync(bytes, cancellationToken);
            if (write.IsCompletedSuccessfully)
            {
                write.GetAwaiter().GetResult();
            }
            else
            {
                (pending ??= []).Add(AwaitWriteAsync(write, socket));
            }
        }

        if (pending is not null)
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    private async Task AwaitWriteAsync(ValueTask write, NodeIpcSocket socket)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // The socket closed between the snapshot and the write; the others still get the message.
            _logger.LogDebug(ex, "Broadcast skipped {Socket}.", socket);
        }
    }
}
