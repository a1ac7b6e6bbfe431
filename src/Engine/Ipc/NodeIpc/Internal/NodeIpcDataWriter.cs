using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Writes the value of a message's <c>data</c> field; <typeparamref name="TState"/> carries the value without boxing.</summary>
internal delegate void NodeIpcDataWriter<TState>(Utf8JsonWriter writer, TState state);
