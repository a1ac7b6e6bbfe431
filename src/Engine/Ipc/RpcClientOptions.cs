using System.Text.Json.Serialization.Metadata;
using Devp2p.Transports;

namespace Devp2p.Ipc;

/// <summary>Settings of an <see cref="RpcClient"/>. Immutable; <see cref="Default"/> holds the defaults.</summary>
public sealed record RpcClientOptions
{
    /// <summary>Default response size limit: 32 MiB (go-ethereum's websocket message limit; its IPC client has none).</summary>
    public const int DefaultMaxResponseSize = 32 * 1024 * 1024;

    /// <summary>Default notifications buffered per subscription: 20 000, go-ethereum's <c>maxClientSubscriptionBuffer</c>.</summary>
    public const int DefaultSubscriptionBufferCapacity = 20_000;

    /// <summary>The default options.</summary>
    public static RpcClientOptions Default { get; } = new();

    /// <summary>Largest message accepted from the server; a larger one ends the connection.</summary>
    public int MaxResponseSize { get; init; } = DefaultMaxResponseSize;

    /// <summary>
    /// Notifications a subscription holds for a consumer that has not read them yet. When full, the
    /// subscription ends with an <see cref="RpcException"/> "subscription queue overflow".
    /// </summary>
    public int SubscriptionBufferCapacity { get; init; } = DefaultSubscriptionBufferCapacity;

    /// <summary>Longest a request write may wait on the server; past it the connection is aborted.</summary>
    public TimeSpan WriteTimeout { get; init; } = RpcServerOptions.DefaultWriteTimeout;

    /// <summary>
    /// Resolves the runtime types of call arguments, for example a source-generated context.
    /// <see cref="RpcJsonContext"/>'s types (strings, numbers, bools, string arrays,
    /// <see cref="System.Text.Json.JsonElement"/>) need no resolver.
    /// </summary>
    public IJsonTypeInfoResolver? ArgumentTypeInfoResolver { get; init; }

    /// <summary>Transport settings used by <see cref="RpcClient.ConnectAsync(System.Net.EndPoint, RpcClientOptions?, CancellationToken)"/> and in-process clients.</summary>
    public TransportOptions? TransportOptions { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseSize, 1, nameof(MaxResponseSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriptionBufferCapacity, 1, nameof(SubscriptionBufferCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero, nameof(WriteTimeout));
    }
}
