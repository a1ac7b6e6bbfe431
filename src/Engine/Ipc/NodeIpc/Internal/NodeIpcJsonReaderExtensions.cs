using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Small helpers over <see cref="Utf8JsonReader"/>.</summary>
internal static class NodeIpcJsonReaderExtensions
{
    /// <summary>Whether the current string token is empty (<c>""</c>); an escaped string is never empty.</summary>
    public static bool ValueIsEmpty(this ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? reader.ValueSequence.IsEmpty : reader.ValueSpan.IsEmpty;
}
