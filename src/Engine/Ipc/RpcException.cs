namespace Devp2p.Ipc;

/// <summary>
/// A JSON-RPC error: thrown by a method handler to answer with this code, message and data, and
/// thrown by <see cref="RpcClient"/> when the server answers with an error object.
/// </summary>
/// <remarks>
/// On the server, <see cref="ErrorData"/> is serialized with <see cref="RpcServerOptions.ErrorDataTypeInfoResolver"/>
/// (a <see cref="System.Text.Json.JsonElement"/>, string, number or bool needs no resolver); data
/// whose type cannot be resolved is left out of the response. On the client, <see cref="ErrorData"/>
/// is the error's <c>data</c> member as a <see cref="System.Text.Json.JsonElement"/>, or null when absent.
/// </remarks>
public class RpcException : Exception
{
    /// <summary>Creates an error with go-ethereum's default code (<see cref="RpcErrorCodes.ServerError"/>).</summary>
    public RpcException()
        : this(RpcErrorCodes.ServerError, "json-rpc error")
    {
    }

    /// <summary>Creates an error with go-ethereum's default code (<see cref="RpcErrorCodes.ServerError"/>).</summary>
    /// <param name="message">The error message sent to the caller.</param>
    public RpcException(string message)
        : this(RpcErrorCodes.ServerError, message)
    {
    }

    /// <summary>Creates an error with go-ethereum's default code (<see cref="RpcErrorCodes.ServerError"/>) and a cause kept locally.</summary>
    /// <param name="message">The error message sent to the caller.</param>
    /// <param name="innerException">The cause; it is not sent.</param>
    public RpcException(string message, Exception? innerException)
        : this(RpcErrorCodes.ServerError, message, null, innerException)
    {
    }

    /// <summary>Creates an error with a code, a message and optional data.</summary>
    /// <param name="code">The JSON-RPC error code (see <see cref="RpcErrorCodes"/>).</param>
    /// <param name="message">The error message.</param>
    /// <param name="data">The error's <c>data</c> member, or null to leave it out.</param>
    public RpcException(int code, string message, object? data = null)
        : this(code, message, data, null)
    {
    }

    /// <summary>Creates an error with a code, a message, optional data and a cause kept locally.</summary>
    /// <param name="code">The JSON-RPC error code (see <see cref="RpcErrorCodes"/>).</param>
    /// <param name="message">The error message.</param>
    /// <param name="data">The error's <c>data</c> member, or null to leave it out.</param>
    /// <param name="innerException">The cause; it is not sent.</param>
    public RpcException(int code, string message, object? data, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
        ErrorData = data;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>The error's <c>data</c> member, or null. (Named so it does not hide <see cref="Exception.Data"/>.)</summary>
    public object? ErrorData { get; }
}
