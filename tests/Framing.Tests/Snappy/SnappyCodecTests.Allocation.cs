using Devp2p.Framing.Snappy;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>Compress and Decompress must not touch the heap: a message costs zero allocations.</summary>
public sealed partial class SnappyCodecTests
{
    [Theory]
    [InlineData(SnappyTestData.Text, 1024)]
    [InlineData(SnappyTestData.Random, 1024)]
    [InlineData(SnappyTestData.Text, 200 * 1024)]
    [InlineData(SnappyTestData.Runs, 70 * 1024)]
    public void CompressAndDecompress_AllocateNothing(string kind, int length)
    {
        byte[] source = SnappyTestData.Create(kind, length, seed: 7);
        byte[] compressed = new byte[SnappyCodec.GetMaxCompressedLength(source.Length)];
        byte[] decompressed = new byte[source.Length];

        // Warm up so tiering and first-call initialisation are not counted.
        int compressedLength = 0;
        for (int i = 0; i < 50; i++)
        {
            compressedLength = SnappyCodec.Compress(source, compressed);
            SnappyCodec.Decompress(compressed.AsSpan(0, compressedLength), decompressed);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            compressedLength = SnappyCodec.Compress(source, compressed);
            SnappyCodec.Decompress(compressed.AsSpan(0, compressedLength), decompressed);
            SnappyCodec.TryGetUncompressedLength(compressed, out _);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        SnappyTestData.AssertEqual(source, decompressed, $"{kind} {length}");
    }
}
