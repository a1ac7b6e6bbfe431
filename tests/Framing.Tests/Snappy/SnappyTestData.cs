using System.Text;
using Xunit.Sdk;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// Seeded inputs for the snappy tests: random (incompressible), text-like (words from a small
/// vocabulary, compressible like RLP-heavy messages), and runs/short periods (long overlapping
/// copies). The same (kind, length, seed) always yields the same bytes, and failures name them.
/// </summary>
internal static class SnappyTestData
{
    public const string Random = "random";
    public const string Text = "text";
    public const string Runs = "runs";

    /// <summary>Lengths around every boundary of the format and of the encoder.</summary>
    public static readonly int[] EdgeLengths =
    [
        0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 59, 60, 61, 62, 63, 64, 65, 255, 256, 257, 1024,
        65535, 65536, 65537, 131072, 200 * 1024,
    ];

    private static readonly string[] s_words =
    [
        "the", "of", "and", "light", "rays", "refraction", "colours", "prism", "glass", "which",
        "is", "are", "by", "with", "in", "that", "to", "be", "a", "reflexion", "experiment",
        "0x", "enode://", "peer", "block", "hash", "transaction", "nonce", "\n", ", ", ". ",
    ];

    public static byte[] Create(string kind, int length, int seed) => kind switch
    {
        Random => CreateRandom(length, seed),
        Text => CreateText(length, seed),
        Runs => CreateRuns(length, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data kind."),
    };

    public static byte[] CreateRandom(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] CreateText(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 32);
        while (text.Length < length)
        {
            text.Append(s_words[random.Next(s_words.Length)]);
            if (random.Next(8) == 0)
            {
                // Sprinkle digits so the text is not made of the vocabulary alone.
                text.Append(random.Next(100000));
            }

            text.Append(' ');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    /// <summary>
    /// Runs of one byte and repeats of short patterns (periods 1..20), so copies with offsets
    /// below, at and above 8 and 16 and lengths far beyond the offset all occur.
    /// </summary>
    public static byte[] CreateRuns(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        int position = 0;
        Span<byte> patternBuffer = stackalloc byte[20];
        while (position < length)
        {
            int period = random.Next(1, 21);
            int runLength = Math.Min(length - position, random.Next(1, 400));
            Span<byte> pattern = patternBuffer[..period];
            random.NextBytes(pattern);
            for (int i = 0; i < runLength; i++)
            {
                bytes[position + i] = pattern[i % period];
            }

            position += runLength;
        }

        return bytes;
    }

    /// <summary>
    /// Fresh random runs of <paramref name="minLiteral"/>..<paramref name="maxLiteral"/> bytes, each
    /// followed by 4 bytes repeated from 3000 back: literals (with 2-byte headers past 60 bytes)
    /// then minimal copy2 elements, the shapes that make snappy output longer than its input.
    /// </summary>
    public static byte[] CreateExpanding(int length, int minLiteral, int maxLiteral, int seed)
    {
        var random = new Random(seed);
        byte[] bytes = new byte[length];
        int position = 0;
        while (position < length)
        {
            int literal = Math.Min(length - position, random.Next(minLiteral, maxLiteral + 1));
            random.NextBytes(bytes.AsSpan(position, literal));
            position += literal;
            for (int i = 0; i < 4 && position < length; i++, position++)
            {
                bytes[position] = bytes[Math.Max(0, position - 3000)];
            }
        }

        return bytes;
    }

    /// <summary>Fails with the context and the first differing index instead of a bare diff.</summary>
    public static void AssertEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string context)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        int index = 0;
        int common = Math.Min(expected.Length, actual.Length);
        while (index < common && expected[index] == actual[index])
        {
            index++;
        }

        throw new XunitException(
            $"{context}: expected {expected.Length} bytes, got {actual.Length}; first difference at index {index}.");
    }
}
