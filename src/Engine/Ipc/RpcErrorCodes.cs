namespace Devp2p.Ipc;

/// <summary>
/// JSON-RPC 2.0 error codes (https://www.jsonrpc.org/specification#error_object) and the ones
/// go-ethereum adds in <c>rpc/errors.go</c>.
/// </summary>
public static class RpcErrorCodes
{
    /// <summary>The input is not valid JSON (-32700). The connection is closed after this error.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object, the batch is empty or too large, or the request is over the size limit (-32600).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No such method, or no such subscription in the namespace (-32601).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The params are not an array, have too many or too few values, or one does not decode (-32602).</summary>
    public const int InvalidParams = -32602;

    /// <summary>The server itself failed, for example a result or notification did not serialize (-32603, geth's errcodeMarshalError).</summary>
    public const int InternalError = -32603;

    /// <summary>
    /// go-ethereum's code for an application error without a code of its own (-32000): a handler or
    /// subscription source that throws anything but <see cref="RpcException"/>, "subscription not found".
    /// </summary>
    public const int ServerError = -32000;
}
