using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.NodeIpc.Internal;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>Emit (node-ipc's <c>ipc.of[id].emit(type, data)</c>).</summary>
public sealed partial class NodeIpcClient
{
    /// <summary>
    /// Sends <c>{"type":type,"data":{}}</c>. In raw-buffer mode sends <paramref name="type"/> itself,
    /// encoded with <see cref="NodeIpcConfig.Encoding"/>, as node-ipc does. In <see cref="NodeIpcConfig.Sync"/>
    /// mode first waits until the previous emit was answered.
    /// </summary>
    /// <param name="type">The message type.</param>
    /// <param name="cancellationToken">Cancels waiting (for the sync turn or the write).</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected (not yet, between retries, or destroyed).</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    public ValueTask EmitAsync(string type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(type, cancellationToken)
            : SendAsync(type, (byte)0, NodeIpcDataWriters.EmptyObject, cancellationToken);
    }

    /// <summary>Sends a message whose data is a string; null or empty sends <c>{}</c>, as node-ipc does for falsy data.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    public ValueTask EmitAsync(string type, string? data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(type, cancellationToken)
            : SendAsync(type, data, NodeIpcDataWriters.String, cancellationToken);
    }

    /// <summary>Sends a message whose data is any JSON value; undefined, null or an empty string sends <c>{}</c>.</summary>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data; written before the write is awaited, so the caller may dispose its document once the task completes.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    public ValueTask EmitAsync(string type, JsonElement data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _config.RawBuffer
            ? EmitRawAsync(type, cancellationToken)
            : SendAsync(type, data, NodeIpcDataWriters.Element, cancellationToken);
    }

    /// <summary>Sends a message whose data is serialized with <paramref name="typeInfo"/>; null or an empty string sends <c>{}</c>.</summary>
    /// <typeparam name="T">The data's type.</typeparam>
    /// <param name="type">The message type.</param>
    /// <param name="data">The data.</param>
    /// <param name="typeInfo">Source-generated metadata for <typeparamref name="T"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the message is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    /// <exception cref="NotSupportedException">The data cannot be serialized; if part of it was already written, the connection is closed.</exception>
    public ValueTask EmitAsync<T>(string type, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _config.RawBuffer
            ? EmitRawAsync(type, cancellationToken)
            : SendAsync(type, (data, typeInfo), NodeIpcDataWriters.Typed<T>(), cancellationToken);
    }

    /// <summary>
    /// Sends bytes exactly as given, with no JSON and no delimiter: raw-buffer payloads, or, in JSON
    /// mode, bytes the caller framed itself (for example a message cut into pieces).
    /// </summary>
    /// <param name="bytes">The bytes; not kept after the returned task completes.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the bytes are handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    public async ValueTask EmitRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        NodeIpcConnection connection = CurrentConnection();
        if (!_config.Sync)
        {
            await connection.SendBytesAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        await TakeSyncTurnAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CurrentConnection().SendBytesAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSyncTurn();
            throw;
        }
    }

    /// <summary>Sends <paramref name="text"/> encoded with <see cref="NodeIpcConfig.Encoding"/> (node-ipc's <c>Buffer.from(text, encoding)</c>), unframed.</summary>
    /// <param name="text">The text; with encoding hex, a hex string such as <c>"0a141e"</c>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when the bytes are handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    /// <exception cref="IOException">The connection closed during the write.</exception>
    public ValueTask EmitRawAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EmitRawAsync(NodeIpcRawEncoding.GetBytes(text, _config.Encoding), cancellationToken);
    }

    private async ValueTask SendAsync<TState>(string type, TState state, NodeIpcDataWriter<TState> writeData, CancellationToken cancellationToken)
    {
        NodeIpcConnection connection = CurrentConnection();
        if (!_config.Sync)
        {
            await connection.SendMessageAsync(type, state, writeData, cancellationToken).ConfigureAwait(false);
            return;
        }

        await TakeSyncTurnAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CurrentConnection().SendMessageAsync(type, state, writeData, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSyncTurn();
            throw;
        }
    }

    private async ValueTask TakeSyncTurnAsync(CancellationToken cancellationToken)
    {
        await _syncTurn.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Set before writing, so a reply that arrives at once already finds the turn taken.
        Volatile.Write(ref _awaitingReply, 1);
    }

    private NodeIpcConnection CurrentConnection() =>
        Volatile.Read(ref _current) is { IsOpen: true } connection
            ? connection
            : throw new InvalidOperationException($"The node-ipc client of '{Id ?? "(none)"}' is not connected; emit after ConnectToAsync completes or in a Connected handler.");
}
