using System.Buffers;

namespace Devp2p.Transports;

/// <summary>Settings shared by the transports. Immutable; <see cref="Default"/> holds the defaults.</summary>
public sealed record TransportOptions
{
    /// <summary>Default pause threshold: 1 MiB buffered stops the producer, which bounds memory per connection.</summary>
    public const long DefaultPauseThreshold = 1024 * 1024;

    /// <summary>Default resume threshold: half the pause threshold, so a paused producer does not flap.</summary>
    public const long DefaultResumeThreshold = 512 * 1024;

    /// <summary>The default options.</summary>
    public static TransportOptions Default { get; } = new();

    /// <summary>Disables Nagle's algorithm on TCP sockets (default <see langword="true"/>: frames are latency sensitive).</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>Bytes received but not yet consumed by the application at which the transport stops reading the socket.</summary>
    public long ReceivePauseThreshold { get; init; } = DefaultPauseThreshold;

    /// <summary>Bytes received but not yet consumed below which the transport reads the socket again.</summary>
    public long ReceiveResumeThreshold { get; init; } = DefaultResumeThreshold;

    /// <summary>Bytes written by the application but not yet sent at which the application's <c>FlushAsync</c> waits.</summary>
    public long SendPauseThreshold { get; init; } = DefaultPauseThreshold;

    /// <summary>Bytes written but not yet sent below which a waiting <c>FlushAsync</c> resumes.</summary>
    public long SendResumeThreshold { get; init; } = DefaultResumeThreshold;

    /// <summary>
    /// Pool the pipes rent their segments from; by default <see cref="BlockMemoryPool.SharedBlocks"/>,
    /// which keeps blocks for reuse so streaming allocates nothing.
    /// </summary>
    public MemoryPool<byte> MemoryPool { get; init; } = BlockMemoryPool.SharedBlocks;

    /// <summary>
    /// The smallest pipe segment, in bytes: <see cref="BlockMemoryPool.DefaultBlockSize"/> by default.
    /// Larger segments mean fewer of them in flight per connection (the pipe keeps at most 256 segment
    /// objects for reuse) and fewer socket calls per byte.
    /// </summary>
    public int MinimumSegmentSize { get; init; } = BlockMemoryPool.DefaultBlockSize;

    /// <summary>
    /// Whether socket connections wait for readable data with a zero-byte receive before they rent a
    /// receive buffer. Default <see langword="false"/>: a receive into a rented buffer (one pool block,
    /// 4 KiB by default) stays pending, so each receive costs one system call less on the latency
    /// path (about 1 µs per message per side on the benchmark machine), and an idle connection holds
    /// that one block. <see langword="true"/> is Kestrel's default (an option of the same name): an
    /// idle connection holds no pool memory, which matters for a server with many idle clients. A
    /// node's peers are few (MaxPeers) and never idle for long (a Ping every 15 s), so here latency wins.
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; init; }

    /// <summary>Length of the listen queue of socket listeners.</summary>
    public int ListenBacklog { get; init; } = 512;
}
