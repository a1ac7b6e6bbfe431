using System.Buffers;
using System.Text.Json;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// The message being dispatched on one connection: the raw bytes of its <c>data</c> value,
/// borrowed from the receive buffer, and a <see cref="JsonDocument"/> parsed from them on first
/// use. Reused for every message of its connection; <see cref="Reset"/> disposes the document, so
/// a <see cref="JsonElement"/> handed to a handler is valid only until that handler completes.
/// </summary>
internal sealed class NodeIpcInbound
{
    private JsonDocument? _document;

    public ReadOnlySequence<byte> Data { get; private set; }

    public bool HasData { get; private set; }

    public NodeIpcSocket? Socket { get; private set; }

    public void Set(ReadOnlySequence<byte> data, bool hasData, NodeIpcSocket? socket)
    {
        Data = data;
        HasData = hasData;
        Socket = socket;
    }

    /// <summary>The data as a JSON element; <c>default</c> (kind Undefined) when the message had no <c>data</c>.</summary>
    public JsonElement GetElement()
    {
        if (!HasData)
        {
            return default;
        }

        // Parse reads a single-segment sequence in place and copies a multi-segment one into a pooled array.
        _document ??= JsonDocument.Parse(Data);
        return _document.RootElement;
    }

    public void Reset()
    {
        _document?.Dispose();
        _document = null;
        Data = default;
        HasData = false;
        Socket = null;
    }
}
