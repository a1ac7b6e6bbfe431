using Devp2p.Framing.Snappy;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// Differential tests against IronSnappy (a port of golang/snappy) in both directions: whatever
/// one encodes the other must decode to the original bytes.
/// </summary>
public sealed partial class SnappyCodecTests
{
    private static readonly string[] s_kinds = [SnappyTestData.Random, SnappyTestData.Text, SnappyTestData.Runs];

    public static TheoryData<string, int, int> DifferentialCases()
    {
        var rows = new TheoryData<string, int, int>();
        foreach (string kind in s_kinds)
        {
            foreach (int length in SnappyTestData.EdgeLengths)
            {
                rows.Add(kind, length, 1000 + length);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(DifferentialCases))]
    public void OursCompress_IronSnappyDecodes(string kind, int length, int seed)
    {
        byte[] source = SnappyTestData.Create(kind, length, seed);
        string context = $"{kind} length {length} seed {seed}";

        byte[] compressed = Compress(source);

        Assert.True(compressed.Length <= SnappyCodec.GetMaxCompressedLength(length), context);
        SnappyTestData.AssertEqual(source, IronSnappy.Snappy.Decode(compressed), context + " (IronSnappy decode)");
        SnappyTestData.AssertEqual(source, Decompress(compressed), context + " (our decode)");
    }

    [Theory]
    [MemberData(nameof(DifferentialCases))]
    public void IronSnappyCompress_OursDecodes(string kind, int length, int seed)
    {
        byte[] source = SnappyTestData.Create(kind, length, seed);
        string context = $"{kind} length {length} seed {seed}";

        byte[] compressed = IronSnappy.Snappy.Encode(source);

        SnappyTestData.AssertEqual(source, Decompress(compressed), context);
    }

    [Fact]
    public void Differential_ManySeeds_BothDirections()
    {
        // Many small and mid-sized inputs of every kind, so that matches land at every alignment
        // relative to the fast-path slack limits near the end of the input and output.
        for (int seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            string kind = s_kinds[seed % s_kinds.Length];
            int length = seed % 4 == 0 ? random.Next(0, 200) : random.Next(0, 5000);
            byte[] source = SnappyTestData.Create(kind, length, seed);
            string context = $"{kind} length {length} seed {seed}";

            byte[] ours = Compress(source);
            SnappyTestData.AssertEqual(source, IronSnappy.Snappy.Decode(ours), context + " (IronSnappy decode)");
            SnappyTestData.AssertEqual(source, Decompress(ours), context + " (our decode)");
            SnappyTestData.AssertEqual(source, Decompress(IronSnappy.Snappy.Encode(source)), context + " (IronSnappy encode)");
        }
    }

    [Fact]
    public void Compress_TextLike_ActuallyCompresses()
    {
        // Guards against an encoder that degenerates into literals (still valid, but useless).
        byte[] source = SnappyTestData.CreateText(64 * 1024, seed: 5);
        byte[] ours = Compress(source);
        byte[] reference = IronSnappy.Snappy.Encode(source);

        Assert.True(ours.Length < source.Length / 2, $"text compressed to {ours.Length} of {source.Length} bytes");
        Assert.True(ours.Length <= reference.Length + (reference.Length / 100), $"ours {ours.Length} vs IronSnappy {reference.Length} bytes");
    }
}
