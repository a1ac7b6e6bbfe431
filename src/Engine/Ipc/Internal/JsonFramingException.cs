namespace Devp2p.Ipc.Internal;

/// <summary>
/// The inbound byte stream cannot be split into JSON values any more: a syntax error or a value
/// over the size limit. The stream cannot resynchronise after either, so the connection ends.
/// </summary>
internal sealed class JsonFramingException : Exception
{
    public JsonFramingException(int code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>The JSON-RPC error code the peer is told: parse error or invalid request (too large).</summary>
    public int Code { get; }
}
