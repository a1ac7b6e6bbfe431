using Devp2p.Framing.Snappy;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>The public surface of <see cref="SnappyCodec"/>: bounds, preamble parsing and argument checks.</summary>
public sealed partial class SnappyCodecTests
{
    [Theory]
    [InlineData(0, 32)]
    [InlineData(1, 33)]
    [InlineData(6, 39)]
    [InlineData(65536, 32 + 65536 + 10922)]
    [InlineData(1_840_700_242, int.MaxValue)]
    public void GetMaxCompressedLength_IsSnappysBound(int sourceLength, int expected)
    {
        Assert.Equal(expected, SnappyCodec.GetMaxCompressedLength(sourceLength));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(1_840_700_243)]
    [InlineData(int.MaxValue)]
    public void GetMaxCompressedLength_OutOfRange_Throws(int sourceLength)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SnappyCodec.GetMaxCompressedLength(sourceLength));
    }

    [Theory]
    [InlineData("00", 0)]
    [InlineData("7f", 127)]
    [InlineData("8001", 128)]
    [InlineData("fe ff 7f", 2097150)]
    [InlineData("ffffffff07", int.MaxValue)]
    [InlineData("8000", 0)] // non-minimal, accepted as google/snappy and golang/snappy do
    [InlineData("0aff", 10)] // only the preamble is read; what follows is not validated here
    public void TryGetUncompressedLength_ValidPreamble(string hex, int expected)
    {
        Assert.True(SnappyCodec.TryGetUncompressedLength(TestVectors.Hex(hex.Replace(" ", "")), out int length));
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData("")] // empty
    [InlineData("80")] // truncated
    [InlineData("ffffffff")] // truncated after four continuation bytes
    [InlineData("8080808080")] // five continuation bytes: a sixth byte would be needed
    [InlineData("80808080800a")] // too long (six bytes)
    [InlineData("ffffffffffffffffffff00")] // overflows uint64 in a naive parser
    [InlineData("8080808008")] // 2^31: above int.MaxValue
    [InlineData("8080808010")] // 2^32: overflows uint32
    [InlineData("fbffffff7f")] // far above 2^32 - 1
    public void TryGetUncompressedLength_BadPreamble_ReturnsFalse(string hex)
    {
        byte[] compressed = TestVectors.Hex(hex);
        Assert.False(SnappyCodec.TryGetUncompressedLength(compressed, out int length));
        Assert.Equal(0, length);

        var error = Assert.Throws<SnappyException>(() => SnappyCodec.Decompress(compressed, new byte[16]));
        Assert.Equal(0, error.Offset);
        Assert.Contains("preamble", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compress_DestinationBelowBound_Throws()
    {
        byte[] source = SnappyTestData.CreateText(100, seed: 1);
        int bound = SnappyCodec.GetMaxCompressedLength(source.Length);
        var error = Assert.Throws<ArgumentException>(() => SnappyCodec.Compress(source, new byte[bound - 1]));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void Compress_OverlappingBuffers_Throws()
    {
        byte[] buffer = new byte[4096];
        Assert.Throws<ArgumentException>(() => SnappyCodec.Compress(buffer.AsSpan(0, 100), buffer.AsSpan(50)));
    }

    [Fact]
    public void Decompress_DestinationBelowDeclaredLength_ThrowsArgumentException()
    {
        byte[] source = SnappyTestData.CreateText(1000, seed: 2);
        byte[] compressed = Compress(source);
        var error = Assert.Throws<ArgumentException>(() => SnappyCodec.Decompress(compressed, new byte[999]));
        Assert.Equal("destination", error.ParamName);
    }

    [Fact]
    public void Decompress_OverlappingBuffers_Throws()
    {
        byte[] compressed = Compress(SnappyTestData.CreateText(1000, seed: 3));
        byte[] buffer = new byte[4096];
        compressed.CopyTo(buffer, 0);
        Assert.Throws<ArgumentException>(() => SnappyCodec.Decompress(buffer.AsSpan(0, compressed.Length), buffer.AsSpan(10)));
    }

    [Fact]
    public void Decompress_LargerDestination_WritesOnlyTheDeclaredLength()
    {
        byte[] source = SnappyTestData.CreateText(300, seed: 4);
        byte[] destination = new byte[400];
        destination.AsSpan(300).Fill(0xA5);

        int written = SnappyCodec.Decompress(Compress(source), destination);

        Assert.Equal(300, written);
        SnappyTestData.AssertEqual(source, destination.AsSpan(0, 300), "decoded prefix");
        Assert.True(destination.AsSpan(300).IndexOfAnyExcept((byte)0xA5) < 0, "bytes past the declared length were written");
    }

    [Fact]
    public void Compress_Empty_IsTheZeroPreamble()
    {
        byte[] destination = new byte[SnappyCodec.GetMaxCompressedLength(0)];
        int written = SnappyCodec.Compress(ReadOnlySpan<byte>.Empty, destination);
        Assert.Equal("00", TestVectors.ToHex(destination.AsSpan(0, written)));
        Assert.Equal(0, SnappyCodec.Decompress(destination.AsSpan(0, written), Span<byte>.Empty));
    }

    [Fact]
    public void Compress_LongRun_UsesCopies()
    {
        // 100 KiB of one byte: a 1-byte literal then 64-byte copies, fragment by fragment.
        byte[] source = new byte[100 * 1024];
        source.AsSpan().Fill(0x61);
        byte[] compressed = Compress(source);

        Assert.InRange(compressed.Length, 1, 6000);
        Assert.Equal(source.Length, Decompress(compressed).Length);
        SnappyTestData.AssertEqual(source, Decompress(compressed), "long run");
    }

    internal static byte[] Compress(ReadOnlySpan<byte> source)
    {
        byte[] destination = new byte[SnappyCodec.GetMaxCompressedLength(source.Length)];
        int written = SnappyCodec.Compress(source, destination);
        return destination.AsSpan(0, written).ToArray();
    }

    internal static byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        Assert.True(SnappyCodec.TryGetUncompressedLength(compressed, out int length), "preamble");
        byte[] destination = new byte[length];
        Assert.Equal(length, SnappyCodec.Decompress(compressed, destination));
        return destination;
    }
}
