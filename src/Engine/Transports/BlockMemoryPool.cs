using System.Buffers;
using System.Collections.Concurrent;

namespace Devp2p.Transports;

/// <summary>
/// A memory pool of fixed-size pinned blocks for pipe segments, shaped like Kestrel's
/// <c>PinnedBlockMemoryPool</c>: blocks and their owner objects are reused, so a busy connection
/// allocates nothing once the pool has grown to its peak.
/// </summary>
/// <remarks>
/// Why not <see cref="MemoryPool{T}.Shared"/>: it allocates an owner object per rent, and the
/// array pool behind it keeps only a few dozen arrays per size, fewer than the 4 KiB segments that
/// two 1 MiB pipe thresholds keep in flight, so a streaming connection keeps dropping and
/// re-allocating them. This pool keeps every returned block up to <see cref="MaxRetainedBlocks"/>
/// (the peak of all connections, bounded), and is thread-safe.
/// </remarks>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The default block size: 16 KiB, so 1 MiB of pipe buffer is 64 segments.</summary>
    public const int DefaultBlockSize = 16 * 1024;

    private readonly ConcurrentQueue<Block> _blocks = new();
    private int _retained;
    private int _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="blockSize">The size of every block.</param>
    /// <param name="maxRetainedBlocks">How many idle blocks are kept; returns beyond that are left to the GC.</param>
    public BlockMemoryPool(int blockSize = DefaultBlockSize, int maxRetainedBlocks = 16 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetainedBlocks, 0);
        MaxBufferSize = blockSize;
        MaxRetainedBlocks = maxRetainedBlocks;
    }

    /// <summary>The pool the transports use by default: 16 KiB blocks, at most 16,384 idle (256 MiB).</summary>
    public static BlockMemoryPool SharedBlocks { get; } = new();

    /// <summary>The block size: rents of up to this many bytes are served from the pool.</summary>
    public override int MaxBufferSize { get; }

    /// <summary>How many idle blocks the pool keeps.</summary>
    public int MaxRetainedBlocks { get; }

    /// <summary>Idle blocks in the pool now.</summary>
    public int IdleBlocks => Volatile.Read(ref _retained);

    /// <summary>Rents a block; dispose the owner to give it back.</summary>
    /// <param name="minBufferSize">At most <see cref="MaxBufferSize"/>; -1 for the default (a whole block).</param>
    /// <returns>An owner whose memory is one whole block.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minBufferSize"/> exceeds the block size.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (minBufferSize > MaxBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"This pool's blocks are {MaxBufferSize} bytes.");
        }

        if (_blocks.TryDequeue(out Block? block))
        {
            Interlocked.Decrement(ref _retained);
            block.Lease();
            return block;
        }

        var created = new Block(this, GC.AllocateUninitializedArray<byte>(MaxBufferSize, pinned: true));
        created.Lease();
        return created;
    }

    /// <summary>Drops the idle blocks; later rents throw.</summary>
    /// <param name="disposing">True when called from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _blocks.Clear();
        }
    }

    private void Return(Block block)
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Increment(ref _retained) > MaxRetainedBlocks)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }

        _blocks.Enqueue(block);
    }

    /// <summary>One pooled block: its own owner object, reused with it.</summary>
    private sealed class Block(BlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _leased;

        public Memory<byte> Memory
        {
            get
            {
                if (Volatile.Read(ref _leased) == 0)
                {
                    throw new ObjectDisposedException(nameof(BlockMemoryPool), "The block was returned to the pool.");
                }

                return array;
            }
        }

        public void Lease() => Volatile.Write(ref _leased, 1);

        public void Dispose()
        {
            // A second Dispose is a no-op rather than a double return.
            if (Interlocked.Exchange(ref _leased, 0) == 1)
            {
                pool.Return(this);
            }
        }
    }
}
