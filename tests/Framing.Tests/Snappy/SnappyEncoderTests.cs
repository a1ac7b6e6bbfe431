using System.Text.Json;
using Devp2p.Framing.Snappy;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// The encoder's element choices against golang/snappy's TestEmitLiteral/TestEmitCopy
/// (snappy.json encoderTagVectors). Other choices would be valid snappy; ours are meant to equal
/// go-ethereum's, so the bytes are asserted exactly, and each element is also decoded back.
/// </summary>
public sealed unsafe class SnappyEncoderTests
{
    public static TheoryData<int, string> EmitLiteralVectors()
    {
        var rows = new TheoryData<int, string>();
        using JsonDocument vectors = TestVectors.Load("snappy.json");
        foreach (JsonElement v in vectors.RootElement.GetProperty("encoderTagVectors").GetProperty("emitLiteral").EnumerateArray())
        {
            rows.Add(v.GetProperty("length").GetInt32(), v.GetProperty("tagBytes").GetString()!);
        }

        return rows;
    }

    public static TheoryData<int, int, string> EmitCopyVectors()
    {
        var rows = new TheoryData<int, int, string>();
        using JsonDocument vectors = TestVectors.Load("snappy.json");
        foreach (JsonElement v in vectors.RootElement.GetProperty("encoderTagVectors").GetProperty("emitCopy").EnumerateArray())
        {
            rows.Add(v.GetProperty("offset").GetInt32(), v.GetProperty("length").GetInt32(), v.GetProperty("encoded").GetString()!);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(EmitLiteralVectors))]
    public void EmitLiteral_MatchesReferenceTagBytes_AndDecodes(int length, string tagBytes)
    {
        byte[] literal = SnappyTestData.CreateRandom(length, seed: length);
        byte[] element = new byte[5 + length];
        int elementLength;
        fixed (byte* source = literal)
        fixed (byte* op = element)
        {
            elementLength = (int)(SnappyEncoder.EmitLiteral(op, source, length) - op);
        }

        Assert.Equal(tagBytes, TestVectors.ToHex(element.AsSpan(0, elementLength - length)));

        byte[] block = Block(length, element.AsSpan(0, elementLength));
        SnappyTestData.AssertEqual(literal, SnappyCodecTests.Decompress(block), $"literal of {length}");
    }

    [Theory]
    [MemberData(nameof(EmitCopyVectors))]
    public void EmitCopy_MatchesReferenceEncoding_AndDecodes(int offset, int length, string encoded)
    {
        byte[] element = new byte[16];
        int elementLength;
        fixed (byte* op = element)
        {
            elementLength = (int)(SnappyEncoder.EmitCopy(op, (uint)offset, (uint)length) - op);
        }

        Assert.Equal(encoded, TestVectors.ToHex(element.AsSpan(0, elementLength)));

        // Decode "literal of offset bytes, then the copy" and compare with a naive LZ77 copy.
        byte[] prefix = SnappyTestData.CreateRandom(offset, seed: offset);
        byte[] expected = new byte[offset + length];
        prefix.CopyTo(expected, 0);
        for (int i = offset; i < expected.Length; i++)
        {
            expected[i] = expected[i - offset];
        }

        byte[] literal = new byte[5 + offset];
        int literalLength;
        fixed (byte* source = prefix)
        fixed (byte* op = literal)
        {
            literalLength = (int)(SnappyEncoder.EmitLiteral(op, source, offset) - op);
        }

        byte[] block = Block(expected.Length, [.. literal.AsSpan(0, literalLength), .. element.AsSpan(0, elementLength)]);
        SnappyTestData.AssertEqual(expected, SnappyCodecTests.Decompress(block), $"copy offset {offset} length {length}");
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(255, 8)]
    [InlineData(256, 8)]
    [InlineData(257, 9)]
    [InlineData(16384, 14)]
    [InlineData(16385, 14)]
    [InlineData(65536, 14)]
    public void TableBits_GrowsWithTheFragmentUpTo16K(int blockLength, int expectedBits)
    {
        Assert.Equal(expectedBits, SnappyEncoder.TableBits(blockLength));
    }

    [Theory]
    [InlineData("expanding", 61, 61)]
    [InlineData("expanding", 1, 1)]
    [InlineData("expanding", 1, 300)]
    [InlineData("expanding", 250, 260)]
    [InlineData(SnappyTestData.Random, 0, 0)]
    [InlineData(SnappyTestData.Text, 0, 0)]
    [InlineData(SnappyTestData.Runs, 0, 0)]
    public void MaxFragmentOutput_BoundsAWholeFragment(string kind, int minLiteral, int maxLiteral)
    {
        // The encoder writes without per-element room checks because of this bound; check it on
        // the input shapes that expand the most, for full 64 KiB fragments and every seed here.
        for (int seed = 0; seed < 20; seed++)
        {
            byte[] source = kind == "expanding"
                ? SnappyTestData.CreateExpanding(SnappyFormat.MaxBlockSize, minLiteral, maxLiteral, seed)
                : SnappyTestData.Create(kind, SnappyFormat.MaxBlockSize, seed);
            byte[] compressed = SnappyCodecTests.Compress(source);

            const int preambleLength = 3; // varint of 65536
            Assert.True(
                compressed.Length - preambleLength <= SnappyEncoder.MaxFragmentOutput(source.Length),
                $"{kind} {minLiteral}..{maxLiteral} seed {seed}: {compressed.Length - preambleLength} bytes for a {source.Length}-byte fragment");
        }
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(127u, "7f")]
    [InlineData(128u, "8001")]
    [InlineData(2097150u, "feff7f")]
    [InlineData(uint.MaxValue, "ffffffff0f")]
    public void WriteVarint_IsLittleEndianBase128(uint value, string hex)
    {
        byte[] buffer = new byte[5];
        int written;
        fixed (byte* op = buffer)
        {
            written = SnappyEncoder.WriteVarint(op, value);
        }

        Assert.Equal(hex, TestVectors.ToHex(buffer.AsSpan(0, written)));
    }

    private static byte[] Block(int uncompressedLength, ReadOnlySpan<byte> elements)
    {
        byte[] preamble = new byte[5];
        int preambleLength;
        fixed (byte* op = preamble)
        {
            preambleLength = SnappyEncoder.WriteVarint(op, (uint)uncompressedLength);
        }

        return [.. preamble.AsSpan(0, preambleLength), .. elements];
    }
}
