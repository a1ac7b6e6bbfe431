using System.Buffers;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>A memory pool that counts outstanding blocks, so a test can prove every rented block came back.</summary>
internal sealed class CountingMemoryPool : MemoryPool<byte>
{
    private int _outstanding;
    private int _rented;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int Rented => Volatile.Read(ref _rented);

    public override int MaxBufferSize => 4096;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _rented);
        return new Block(this, Math.Max(minBufferSize, MaxBufferSize));
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(CountingMemoryPool pool, int size) : IMemoryOwner<byte>
    {
        private byte[]? _array = new byte[size];

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is not null)
            {
                Interlocked.Decrement(ref pool._outstanding);
            }
        }
    }
}
