namespace Devp2p.Ipc.Internal;

/// <summary>Fixed limits of the JSON-RPC layer.</summary>
internal static class RpcLimits
{
    /// <summary>
    /// Deepest JSON nesting accepted in a message. System.Text.Json's default is 64; a request is
    /// an envelope plus params, so this leaves arguments the serializer's own 64 levels.
    /// </summary>
    public const int MaxDepth = 128;

    /// <summary>Longest method name decoded on the stack; longer names are decoded to the heap.</summary>
    public const int StackMethodNameLength = 256;

    /// <summary>Time a closing connection waits for canceled calls and subscriptions to wind down.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
}
