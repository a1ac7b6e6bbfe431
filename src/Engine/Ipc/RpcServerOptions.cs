using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc;

/// <summary>Settings of an <see cref="RpcServer"/>. Immutable; <see cref="Default"/> holds the defaults.</summary>
public sealed record RpcServerOptions
{
    /// <summary>Default request size limit: 5 MiB, go-ethereum's <c>maxRequestContentLength</c>.</summary>
    public const int DefaultMaxRequestSize = 5 * 1024 * 1024;

    /// <summary>Default batch limit: 1000 calls, go-ethereum's <c>BatchRequestLimit</c> default.</summary>
    public const int DefaultBatchRequestLimit = 1000;

    /// <summary>
    /// Default number of messages one connection may have running at once. geth has no such limit
    /// (a goroutine per message); a bound keeps one pipelining client from growing memory without end.
    /// </summary>
    public const int DefaultMaxConcurrentRequestsPerConnection = 128;

    /// <summary>
    /// Default per-subscription queue: 10 000 items between the producer and a client that reads
    /// slower than it produces (geth's client side buffers 20 000 before giving up).
    /// </summary>
    public const int DefaultSubscriptionQueueCapacity = 10_000;

    /// <summary>Default write timeout: 10 s, go-ethereum's <c>defaultWriteTimeout</c>.</summary>
    public static readonly TimeSpan DefaultWriteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default time calls may keep running after the client ends its stream: 5 s.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default options.</summary>
    public static RpcServerOptions Default { get; } = new();

    /// <summary>
    /// Largest request (one JSON value: a call or a whole batch) in bytes. A larger one is answered
    /// with an invalid-request error carrying id null, and the connection is closed, since the rest
    /// of the stream cannot be trusted to start at a value.
    /// </summary>
    public int MaxRequestSize { get; init; } = DefaultMaxRequestSize;

    /// <summary>Most calls in one batch; a larger batch gets one "batch too large" error. 0 means no limit.</summary>
    public int BatchRequestLimit { get; init; } = DefaultBatchRequestLimit;

    /// <summary>Messages one connection may have running at once before the server stops reading from it.</summary>
    public int MaxConcurrentRequestsPerConnection { get; init; } = DefaultMaxConcurrentRequestsPerConnection;

    /// <summary>Items a subscription may queue for a slow client before <see cref="SubscriptionOverflow"/> applies.</summary>
    public int SubscriptionQueueCapacity { get; init; } = DefaultSubscriptionQueueCapacity;

    /// <summary>What happens when a subscription queue is full.</summary>
    public RpcSubscriptionOverflow SubscriptionOverflow { get; init; } = RpcSubscriptionOverflow.EndSubscription;

    /// <summary>Longest a write may wait for the client to read; past it the connection is aborted.</summary>
    public TimeSpan WriteTimeout { get; init; } = DefaultWriteTimeout;

    /// <summary>
    /// How long calls still running when the client ends its stream may go on, so a client that
    /// half-closes after its request (as <c>socat</c> and <c>nc</c> do) still gets the answer; geth
    /// waits for them without a bound. Then they, and the connection's subscriptions, are canceled.
    /// A Unix socket client that dies looks the same as one that half-closes, so this is also how
    /// long its running calls survive it. Stopping the server or a broken connection cancels at once.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = DefaultDrainTimeout;

    /// <summary>
    /// Resolves the types of <see cref="RpcException.ErrorData"/> values (for example a source-generated
    /// context). <see cref="RpcJsonContext"/>'s types need no resolver; data of a type neither resolves is left out.
    /// </summary>
    public IJsonTypeInfoResolver? ErrorDataTypeInfoResolver { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestSize, 1, nameof(MaxRequestSize));
        ArgumentOutOfRangeException.ThrowIfNegative(BatchRequestLimit, nameof(BatchRequestLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequestsPerConnection, 1, nameof(MaxConcurrentRequestsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriptionQueueCapacity, 1, nameof(SubscriptionQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero, nameof(WriteTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
    }
}
