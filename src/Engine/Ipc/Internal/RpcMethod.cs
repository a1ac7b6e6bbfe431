namespace Devp2p.Ipc.Internal;

/// <summary>A registered method: decodes its arguments, runs the handler and writes the result.</summary>
internal abstract class RpcMethod(string name)
{
    public string Name { get; } = name;

    /// <summary>
    /// Decodes the params, runs the handler and writes the result response into the call's builder.
    /// Failures are thrown, not written: <see cref="RpcException"/> for bad params or from the
    /// handler, any other exception from the handler; the caller turns them into the error response.
    /// </summary>
    public abstract ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken);
}
