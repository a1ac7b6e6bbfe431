using System.Text.Json;
using Devp2p.Framing.Snappy;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// tests/vectors/snappy.json: decoding is normative (valid cases must yield the exact bytes,
/// invalid ones must raise <see cref="SnappyException"/>); compressed outputs are encoder-specific,
/// so encoding is checked by round trips, plus the golden file where our encoder's choices match
/// golang/snappy's by design.
/// </summary>
public sealed partial class SnappyCodecTests
{
    private const string VectorFile = "snappy.json";

    /// <summary>Bytes after the declared output that a decoder must never touch.</summary>
    private const int CanaryLength = 64;

    private const byte Canary = 0xC3;

    public static TheoryData<string> DecodeCaseNames()
    {
        var names = new TheoryData<string>();
        using JsonDocument vectors = TestVectors.Load(VectorFile);
        foreach (JsonElement testCase in vectors.RootElement.GetProperty("decode").EnumerateArray())
        {
            names.Add(testCase.GetProperty("desc").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(DecodeCaseNames))]
    public void Decode_Vector(string desc)
    {
        using JsonDocument vectors = TestVectors.Load(VectorFile);
        JsonElement testCase = vectors.RootElement.GetProperty("decode").EnumerateArray()
            .Single(c => c.GetProperty("desc").GetString() == desc);
        byte[] compressed = TestVectors.Hex(testCase.GetProperty("compressed").GetString()!);

        if (testCase.GetProperty("valid").GetBoolean())
        {
            byte[] expected = TestVectors.Hex(testCase.GetProperty("uncompressed").GetString()!);
            Assert.True(SnappyCodec.TryGetUncompressedLength(compressed, out int declared));
            Assert.Equal(expected.Length, declared);

            byte[] buffer = NewCanaryBuffer(declared);
            int written = SnappyCodec.Decompress(compressed, buffer.AsSpan(0, declared));

            Assert.Equal(expected.Length, written);
            SnappyTestData.AssertEqual(expected, buffer.AsSpan(0, written), desc);
            AssertCanary(buffer, declared, desc);
        }
        else
        {
            // A caller sizes the destination from the preamble when there is one.
            int size = SnappyCodec.TryGetUncompressedLength(compressed, out int declared) ? declared : 16;
            byte[] buffer = NewCanaryBuffer(size);

            var error = Assert.Throws<SnappyException>(() => SnappyCodec.Decompress(compressed, buffer.AsSpan(0, size)));

            Assert.InRange(error.Offset, 0, compressed.Length);
            Assert.Contains("offset", error.Message, StringComparison.Ordinal);
            AssertCanary(buffer, size, desc);
        }
    }

    [Fact]
    public void Decode_Copy4Vector()
    {
        using JsonDocument vectors = TestVectors.Load(VectorFile);
        JsonElement testCase = vectors.RootElement.GetProperty("decodeCopy4");
        byte[] compressed = Concatenate(testCase.GetProperty("compressedParts"));
        byte[] expected = Concatenate(testCase.GetProperty("uncompressedParts"));
        Assert.Equal(65545, expected.Length);

        SnappyTestData.AssertEqual(expected, Decompress(compressed), "copy4 vector");
    }

    [Fact]
    public void Decode_GoldenFile()
    {
        (byte[] text, byte[] rawSnappy) = LoadGolden();

        SnappyTestData.AssertEqual(text, Decompress(rawSnappy), "Isaac.Newton-Opticks.txt.rawsnappy");
    }

    [Fact]
    public void Encode_GoldenFile_RoundTripsAndMatchesTheReferenceEncoder()
    {
        (byte[] text, byte[] rawSnappy) = LoadGolden();

        byte[] compressed = Compress(text);

        SnappyTestData.AssertEqual(text, Decompress(compressed), "round trip of the golden text");
        SnappyTestData.AssertEqual(text, IronSnappy.Snappy.Decode(compressed), "IronSnappy decode of our golden encoding");

        // Any valid encoding would do on the wire; this pins the design choice that our greedy
        // encoder makes golang/snappy's (go-ethereum's) choices, whose output the file is.
        SnappyTestData.AssertEqual(rawSnappy, compressed, "our encoding vs the golang/snappy golden encoding");
    }

    private static (byte[] Text, byte[] RawSnappy) LoadGolden()
    {
        using JsonDocument vectors = TestVectors.Load(VectorFile);
        JsonElement golden = vectors.RootElement.GetProperty("golden");
        byte[] text = TestVectors.Hex(golden.GetProperty("uncompressed").GetString()!);
        byte[] rawSnappy = TestVectors.Hex(golden.GetProperty("compressed").GetString()!);
        Assert.Equal(golden.GetProperty("uncompressedLength").GetInt32(), text.Length);
        Assert.Equal(golden.GetProperty("compressedLength").GetInt32(), rawSnappy.Length);
        return (text, rawSnappy);
    }

    private static byte[] Concatenate(JsonElement parts)
    {
        var bytes = new List<byte>();
        foreach (JsonElement part in parts.EnumerateArray())
        {
            if (part.TryGetProperty("hex", out JsonElement hex))
            {
                bytes.AddRange(TestVectors.Hex(hex.GetString()!));
            }
            else
            {
                char repeated = part.GetProperty("repeatAscii").GetString()!.Single();
                bytes.AddRange(Enumerable.Repeat((byte)repeated, part.GetProperty("count").GetInt32()));
            }
        }

        return bytes.ToArray();
    }

    private static byte[] NewCanaryBuffer(int length)
    {
        byte[] buffer = new byte[length + CanaryLength];
        buffer.AsSpan(length).Fill(Canary);
        return buffer;
    }

    private static void AssertCanary(byte[] buffer, int length, string context)
    {
        int touched = buffer.AsSpan(length).IndexOfAnyExcept(Canary);
        Assert.True(touched < 0, $"{context}: the decoder wrote past the end of its destination (canary byte {touched} changed).");
    }
}
