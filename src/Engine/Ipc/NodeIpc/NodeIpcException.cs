namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// Bad input from a node-ipc peer: a message that is not valid JSON, or one larger than
/// <see cref="NodeIpcConfig.MaxMessageSize"/>. It is never thrown at the caller; it is passed to the
/// error event of the server or client that received the input.
/// </summary>
public sealed class NodeIpcException : Exception
{
    /// <summary>Creates an exception with no details.</summary>
    public NodeIpcException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public NodeIpcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause, such as the JSON parser's error.</param>
    public NodeIpcException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a malformed message, keeping (the start of) the message text.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="response">The received text, like node-ipc's <c>response</c> field; cut to the first 1024 characters.</param>
    /// <param name="innerException">The cause, such as the JSON parser's error.</param>
    public NodeIpcException(string message, string? response, Exception? innerException)
        : base(message, innerException)
    {
        Response = response;
    }

    /// <summary>
    /// The received text of a malformed message (node-ipc's <c>response</c>), cut to its first 1024
    /// characters; <see langword="null"/> when the error is not about one message's content.
    /// </summary>
    public string? Response { get; }
}
