using System.Text;
using System.Text.Json;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Crypto.Tests;

/// <summary>Known answers from tests/vectors/keccak256.json, one-shot and split in many ways.</summary>
public sealed partial class Keccak256Tests
{
    private const string VectorFile = "keccak256.json";

    /// <summary>Inputs up to this length are also fed one byte per Update call.</summary>
    private const int ByteAtATimeLimit = 4096;

    /// <summary>Chunk for the 1 GiB case: the repeated unit is copied into it once and reused.</summary>
    private const int SlowChunkBytes = 1 << 20;

    /// <summary>The vector cases that run by default (not marked slow).</summary>
    public static TheoryData<string> FastVectorNames() => VectorNames(slow: false);

    /// <summary>The cases marked slow (the 1 GiB message).</summary>
    public static TheoryData<string> SlowVectorNames() => VectorNames(slow: true);

    [Fact]
    public void VectorFileHasTheExpectedCases()
    {
        // Guards the theories below against silently running on an empty or renamed file.
        Assert.True(FastVectorNames().Count >= 14, "expected at least 14 fast keccak256 vectors");
        Assert.Single(SlowVectorNames());
    }

    [Theory]
    [MemberData(nameof(FastVectorNames))]
    public void VectorOneShot(string name)
    {
        Vector vector = LoadVector(name);
        Assert.Equal(vector.Digest, TestVectors.ToHex(OneShot(vector.Message)));
    }

    [Theory]
    [MemberData(nameof(FastVectorNames))]
    public void VectorIncrementalSplits(string name)
    {
        Vector vector = LoadVector(name);
        byte[] message = vector.Message;

        int[] chunkSizes = [1, 7, 64, 135, 136, 137, 1000];
        foreach (int chunk in chunkSizes)
        {
            if (chunk == 1 && message.Length > ByteAtATimeLimit)
            {
                continue;
            }

            var hasher = new Keccak256();
            for (int offset = 0; offset < message.Length; offset += chunk)
            {
                hasher.Update(message.AsSpan(offset, Math.Min(chunk, message.Length - offset)));
            }

            Assert.True(vector.Digest == TestVectors.ToHex(DigestOf(hasher)), $"{name}: chunks of {chunk}");
        }

        var random = new Random(Seed ^ name.Length);
        for (int trial = 0; trial < 8; trial++)
        {
            var hasher = new Keccak256();
            int offset = 0;
            while (offset < message.Length)
            {
                int take = RandomSplitLength(random, message.Length - offset);
                hasher.Update(message.AsSpan(offset, take));
                offset += take;
            }

            Assert.True(
                vector.Digest == TestVectors.ToHex(DigestOf(hasher)),
                $"{name}: random split trial {trial} (seed {Seed})");
        }
    }

    [Theory]
    [MemberData(nameof(FastVectorNames))]
    public void VectorThroughScalarBody(string name)
    {
        // On AVX-512 machines Keccak256 never runs the portable body; check it on the vectors too.
        Vector vector = LoadVector(name);
        Assert.Equal(vector.Digest, TestVectors.ToHex(HashWithBody(Body.Scalar, vector.Message)));
    }

    [SlowTheory]
    [MemberData(nameof(SlowVectorNames))]
    public void SlowVectorIncremental(string name)
    {
        using JsonDocument document = TestVectors.Load(VectorFile);
        JsonElement testCase = FindCase(document, name);
        byte[] unit = DecodeInput(testCase.GetProperty("input"));
        long repeat = RepeatCount(testCase.GetProperty("input"));
        Assert.Equal(0, SlowChunkBytes % unit.Length);

        byte[] chunk = new byte[SlowChunkBytes];
        for (int i = 0; i < chunk.Length; i += unit.Length)
        {
            unit.CopyTo(chunk, i);
        }

        long total = repeat * unit.Length;
        Assert.Equal(0, total % SlowChunkBytes);
        var hasher = new Keccak256();
        for (long done = 0; done < total; done += SlowChunkBytes)
        {
            hasher.Update(chunk);
        }

        Assert.Equal(testCase.GetProperty("digest").GetString(), TestVectors.ToHex(DigestOf(hasher)));
    }

    /// <summary>Mostly small pieces, sometimes empty, sometimes several blocks at once.</summary>
    private static int RandomSplitLength(Random random, int remaining) =>
        random.Next(4) switch
        {
            0 => 0,
            1 => Math.Min(remaining, random.Next(1, 17)),
            2 => Math.Min(remaining, random.Next(1, 2 * Keccak256.RateBytes + 2)),
            _ => random.Next(1, remaining + 1),
        };

    private static TheoryData<string> VectorNames(bool slow)
    {
        using JsonDocument document = TestVectors.Load(VectorFile);
        var names = new TheoryData<string>();
        foreach (JsonElement testCase in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            bool isSlow = testCase.TryGetProperty("slow", out JsonElement flag) && flag.GetBoolean();
            if (isSlow == slow)
            {
                names.Add(testCase.GetProperty("name").GetString()!);
            }
        }

        return names;
    }

    private static Vector LoadVector(string name)
    {
        using JsonDocument document = TestVectors.Load(VectorFile);
        JsonElement testCase = FindCase(document, name);
        JsonElement input = testCase.GetProperty("input");
        byte[] unit = DecodeInput(input);
        long repeat = RepeatCount(input);
        byte[] message = new byte[checked(unit.Length * (int)repeat)];
        for (int i = 0; i < message.Length; i += unit.Length)
        {
            unit.CopyTo(message, i);
        }

        return new Vector(message, testCase.GetProperty("digest").GetString()!);
    }

    private static JsonElement FindCase(JsonDocument document, string name)
    {
        foreach (JsonElement testCase in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (testCase.GetProperty("name").GetString() == name)
            {
                return testCase.Clone();
            }
        }

        throw new InvalidOperationException($"{VectorFile} has no case named {name}");
    }

    private static byte[] DecodeInput(JsonElement input)
    {
        string value = input.GetProperty("value").GetString()!;
        return input.GetProperty("encoding").GetString() switch
        {
            "ascii" => Encoding.ASCII.GetBytes(value),
            "hex" => TestVectors.Hex(value),
            string other => throw new InvalidOperationException($"unknown input encoding {other}"),
            null => throw new InvalidOperationException("input encoding is null"),
        };
    }

    private static long RepeatCount(JsonElement input) =>
        input.TryGetProperty("repeat", out JsonElement repeat) ? repeat.GetInt64() : 1;

    private readonly record struct Vector(byte[] Message, string Digest);

    /// <summary>A theory that runs only when TestVectors.SlowTestsEnabled, and is reported as skipped otherwise.</summary>
    private sealed class SlowTheoryAttribute : TheoryAttribute
    {
        public SlowTheoryAttribute()
        {
            if (!TestVectors.SlowTestsEnabled)
            {
                Skip = "slow (1 GiB); set DEVP2P_SLOW_TESTS=1 to run";
            }
        }
    }
}
