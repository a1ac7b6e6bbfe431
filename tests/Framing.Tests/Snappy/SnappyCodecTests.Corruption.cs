using Devp2p.Framing.Snappy;
using Xunit;
using Xunit.Sdk;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// Hostile input: truncations, element-by-element overruns at the fast-path boundaries, and random
/// mutations. The only exception allowed is <see cref="SnappyException"/>, and the canary bytes
/// after the destination must survive every attempt.
/// </summary>
public sealed partial class SnappyCodecTests
{
    /// <summary>The largest declared length the mutation test honours, as a caller's limit would.</summary>
    private const int MutationLengthLimit = 1 << 20;

    public static TheoryData<string> CorpusNames() => new() { "golden", "text", "runs", "random" };

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Decompress_EveryTruncation_ThrowsSnappyException(string corpus)
    {
        byte[] compressed = CorpusSample(corpus);
        Assert.True(SnappyCodec.TryGetUncompressedLength(compressed, out int declared));
        byte[] buffer = NewCanaryBuffer(declared);

        // Every element produces at least one byte, so a strict prefix always ends short (or
        // inside the preamble or an element).
        for (int prefix = 0; prefix < compressed.Length; prefix++)
        {
            try
            {
                SnappyCodec.Decompress(compressed.AsSpan(0, prefix), buffer.AsSpan(0, declared));
                throw new XunitException($"{corpus}: the {prefix}-byte prefix of {compressed.Length} decoded without error.");
            }
            catch (SnappyException error)
            {
                Assert.InRange(error.Offset, 0, prefix);
            }

            AssertCanary(buffer, declared, $"{corpus} prefix {prefix}");
        }
    }

    [Fact]
    public void Decompress_ElementsOverrunningTheDeclaredLength_ThrowAtEveryBoundary()
    {
        // A literal of `head` bytes then a copy of `copyLength` at offset 1 (an overlapping run),
        // declared one byte short, exactly right, and one byte long. Covers the exact and the
        // wild-copy paths on both sides of their slack limits.
        for (int head = 1; head <= 140; head++)
        {
            for (int copyLength = 1; copyLength <= 64; copyLength++)
            {
                byte[] elements = [.. LiteralElement(head), (byte)(((copyLength - 1) << 2) | 2), 1, 0];
                string context = $"literal {head} + copy2 offset 1 length {copyLength}";
                int produced = head + copyLength;

                AssertRejected(WithPreamble(produced - 1, elements), produced - 1, context + ", declared one short");
                AssertRejected(WithPreamble(produced + 1, elements), produced + 1, context + ", declared one long");

                byte[] decoded = Decompress(WithPreamble(produced, elements));
                Assert.True(decoded.AsSpan(head).IndexOfAnyExcept((byte)(head - 1)) < 0, context);
            }

            // The literal alone, declared one byte short.
            AssertRejected(WithPreamble(head - 1, LiteralElement(head)), head - 1, $"literal {head}, declared one short");
        }
    }

    [Theory]
    [InlineData("0a 0c 61626364 0104 00", "copy1 offset 4 == 4 decoded is fine; then a literal with no data")]
    [InlineData("08 0c 61626364 0105", "copy1 offset 5 > 4 decoded")]
    [InlineData("08 0c 61626364 06 0500", "copy2 offset 5 > 4 decoded")]
    [InlineData("08 0c 61626364 07 05000000", "copy4 offset 5 > 4 decoded")]
    [InlineData("08 0c 61626364 07 00000000", "copy4 offset 0")]
    [InlineData("08 0c 61626364 07 ffffffff", "copy4 offset 2^32-1")]
    [InlineData("08 fc ffffffff 61", "literal length 2^32 (length-1 = 0xffffffff)")]
    [InlineData("08 fc fffffffe 61", "literal length near 2^32")]
    [InlineData("05 00 61 0100", "copy1 with offset 0 after one byte")]
    [InlineData("01 0101", "copy as the first element")]
    public void Decompress_RegressionInputs_ThrowSnappyException(string hex, string what)
    {
        byte[] compressed = Devp2p.Tests.TestVectors.Hex(hex.Replace(" ", ""));
        Assert.True(SnappyCodec.TryGetUncompressedLength(compressed, out int declared), what);
        AssertRejected(compressed, declared, what);
    }

    [Theory]
    [InlineData(20250101)]
    [InlineData(424242)]
    public void Decompress_RandomMutations_OnlyThrowSnappyException_AndStayInBounds(int seed)
    {
        var random = new Random(seed);
        string[] corpora = ["golden", "text", "runs", "random"];
        byte[][] samples = corpora.Select(CorpusSample).ToArray();
        int decoded = 0, rejected = 0, overLimit = 0;

        for (int iteration = 0; iteration < 2500; iteration++)
        {
            int which = random.Next(samples.Length);
            byte[] mutated = (byte[])samples[which].Clone();
            int changes = random.Next(1, 4);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(mutated.Length);
                switch (random.Next(4))
                {
                    case 0:
                        mutated[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 1:
                        mutated[at] = (byte)random.Next(256);
                        break;
                    case 2:
                        // Tag-like bytes that select the long-literal and copy4 forms.
                        mutated[at] = (byte)(0xFC | random.Next(4));
                        break;
                    default:
                        mutated = mutated.AsSpan(0, at).ToArray();
                        break;
                }

                if (mutated.Length == 0)
                {
                    break;
                }
            }

            string context = $"seed {seed} iteration {iteration} corpus {corpora[which]}";
            if (!SnappyCodec.TryGetUncompressedLength(mutated, out int declared))
            {
                Assert.Throws<SnappyException>(() => SnappyCodec.Decompress(mutated, new byte[64]));
                rejected++;
                continue;
            }

            if (declared > MutationLengthLimit)
            {
                overLimit++;
                continue;
            }

            byte[] buffer = NewCanaryBuffer(declared);
            bool ok;
            try
            {
                Assert.Equal(declared, SnappyCodec.Decompress(mutated, buffer.AsSpan(0, declared)));
                ok = true;
                decoded++;
            }
            catch (SnappyException)
            {
                ok = false;
                rejected++;
            }
            catch (Exception unexpected)
            {
                throw new XunitException($"{context}: {unexpected.GetType().Name} instead of SnappyException: {unexpected.Message}");
            }

            AssertCanary(buffer, declared, context);
            AssertAgreesWithIronSnappy(mutated, ok, buffer.AsSpan(0, declared), context);
        }

        // The test is only meaningful if mutations hit both outcomes.
        Assert.True(rejected > 100, $"only {rejected} rejections ({decoded} decoded, {overLimit} over the limit)");
        Assert.True(decoded > 10, $"only {decoded} successful decodes ({rejected} rejected, {overLimit} over the limit)");
    }

    private static void AssertAgreesWithIronSnappy(byte[] compressed, bool oursAccepted, ReadOnlySpan<byte> ours, string context)
    {
        byte[]? theirs;
        try
        {
            theirs = IronSnappy.Snappy.Decode(compressed);
        }
        catch (Exception)
        {
            theirs = null;
        }

        Assert.True(oursAccepted == (theirs is not null), $"{context}: we {(oursAccepted ? "accepted" : "rejected")} what IronSnappy {(theirs is null ? "rejected" : "accepted")}");
        if (theirs is not null)
        {
            SnappyTestData.AssertEqual(theirs, ours, context);
        }
    }

    private static void AssertRejected(byte[] compressed, int declared, string context)
    {
        byte[] buffer = NewCanaryBuffer(declared);
        try
        {
            SnappyCodec.Decompress(compressed, buffer.AsSpan(0, declared));
            throw new XunitException($"{context}: decoded without error.");
        }
        catch (SnappyException)
        {
        }

        AssertCanary(buffer, declared, context);
    }

    private static byte[] CorpusSample(string corpus) => corpus switch
    {
        "golden" => LoadGolden().RawSnappy,
        "text" => Compress(SnappyTestData.CreateText(4096, seed: 11)),
        "runs" => Compress(SnappyTestData.CreateRuns(4096, seed: 12)),
        "random" => Compress(SnappyTestData.CreateRandom(1024, seed: 13)),
        _ => throw new ArgumentOutOfRangeException(nameof(corpus)),
    };

    /// <summary>A literal of <paramref name="length"/> bytes 0, 1, 2, ... (mod 256).</summary>
    private static byte[] LiteralElement(int length)
    {
        byte[] tag = length <= 60 ? [(byte)((length - 1) << 2)] : [0xF0, (byte)(length - 1)];
        byte[] data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        return [.. tag, .. data];
    }

    private static byte[] WithPreamble(int declared, byte[] elements)
    {
        var preamble = new List<byte>();
        uint value = (uint)declared;
        while (value >= 0x80)
        {
            preamble.Add((byte)(value | 0x80));
            value >>= 7;
        }

        preamble.Add((byte)value);
        return [.. preamble, .. elements];
    }
}
