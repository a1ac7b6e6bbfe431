using Devp2p.Tests;
using Xunit;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// Keccak256 behaviour: the API contract (digest without finalising, clone, reset, argument
/// checks, no allocations). Known answers are in Keccak256Tests.Vectors.cs, the comparison with
/// BouncyCastle and between the two permutation bodies in Keccak256Tests.Differential.cs.
/// </summary>
public sealed partial class Keccak256Tests
{
    /// <summary>keccak256("") from the vector file; used where a test needs one fixed answer.</summary>
    private const string EmptyDigest = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

    /// <summary>Fixed seed for every random input here; failure messages print it.</summary>
    private const int Seed = 0x4B656363;

    [Fact]
    public void DefaultInstanceIsAnEmptyHasher()
    {
        Keccak256 hasher = default;
        byte[] digest = new byte[Keccak256.HashSize];
        hasher.Digest(digest);
        Assert.Equal(EmptyDigest, TestVectors.ToHex(digest));
    }

    [Fact]
    public void DigestAfterEveryUpdateThenContinueMatchesHashOfPrefixes()
    {
        // The RLPx MAC pattern: digest, keep absorbing, digest again.
        var random = new Random(Seed);
        byte[] message = RandomBytes(random, 3 * Keccak256.RateBytes + 77);
        int[] cuts = [0, 0, 1, 16, 16, 32, 135, 136, 137, 200, 271, 272, 273, 300, 400, message.Length];
        var hasher = new Keccak256();
        byte[] digest = new byte[Keccak256.HashSize];
        int done = 0;
        foreach (int cut in cuts)
        {
            hasher.Update(message.AsSpan(done, cut - done));
            done = cut;
            hasher.Digest(digest);
            hasher.Digest(digest); // twice in a row must not move the state either
            Assert.True(
                OneShot(message.AsSpan(0, done)).AsSpan().SequenceEqual(digest),
                $"digest after {done} bytes (seed {Seed})");
        }
    }

    [Fact]
    public void CloneAndStructCopyAreIndependent()
    {
        var random = new Random(Seed);
        byte[] prefix = RandomBytes(random, 150);
        byte[] left = RandomBytes(random, 90);
        byte[] right = RandomBytes(random, 400);

        var original = new Keccak256();
        original.Update(prefix);
        Keccak256 clone = original.Clone();
        Keccak256 copy = original;

        clone.Update(left);
        original.Update(right);

        Assert.Equal(OneShot([.. prefix, .. left]), DigestOf(clone));
        Assert.Equal(OneShot([.. prefix, .. right]), DigestOf(original));
        Assert.Equal(OneShot(prefix), DigestOf(copy));
    }

    [Fact]
    public void ResetReturnsToTheEmptyState()
    {
        var random = new Random(Seed);
        byte[] before = RandomBytes(random, 200);
        byte[] after = RandomBytes(random, 50);

        var hasher = new Keccak256();
        hasher.Update(before);
        hasher.Reset();
        Assert.Equal(EmptyDigest, TestVectors.ToHex(DigestOf(hasher)));

        hasher.Update(before.AsSpan(0, 60)); // leave a partial block buffered
        hasher.Reset();
        hasher.Update(after);
        Assert.Equal(OneShot(after), DigestOf(hasher));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Keccak256.HashSize - 1)]
    public void HashWithShortOutputThrows(int outputLength)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(
            () => Keccak256.Hash(new byte[10], new byte[outputLength]));
        Assert.Equal("output", error.ParamName);
    }

    [Fact]
    public void DigestWithShortOutputThrows()
    {
        var hasher = new Keccak256();
        hasher.Update(new byte[10]);
        ArgumentException error = Assert.Throws<ArgumentException>(
            () => hasher.Digest(new byte[Keccak256.HashSize - 1]));
        Assert.Equal("output", error.ParamName);
    }

    [Fact]
    public void LongerOutputGetsTheDigestInItsFirst32BytesOnly()
    {
        byte[] output = new byte[Keccak256.HashSize + 8];
        Array.Fill(output, (byte)0xEE);
        Keccak256.Hash([], output);
        Assert.Equal(EmptyDigest, TestVectors.ToHex(output.AsSpan(0, Keccak256.HashSize)));
        Assert.All(output[Keccak256.HashSize..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void WarmCallsDoNotAllocate()
    {
        byte[] input = new byte[5000];
        new Random(Seed).NextBytes(input);
        byte[] output = new byte[Keccak256.HashSize];

        static void Work(byte[] input, byte[] output)
        {
            Keccak256.Hash(input, output);
            Keccak256.Hash(input.AsSpan(0, 31), output);
            var hasher = new Keccak256();
            hasher.Update(input.AsSpan(0, 17));
            hasher.Digest(output);
            hasher.Update(input.AsSpan(17, 1000));
            Keccak256 fork = hasher.Clone();
            fork.Update(input);
            fork.Digest(output);
            hasher.Digest(output);
            hasher.Reset();
        }

        for (int i = 0; i < 100; i++)
        {
            Work(input, output);
        }

        // Up to three windows: in an optimised build the tiered JIT can swap in new code for
        // the callers during the first window, and that bookkeeping allocates on this thread.
        // A real per-call allocation shows up in every window.
        long allocated = long.MaxValue;
        for (int window = 0; window < 3 && allocated != 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                Work(input, output);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
    }

    private static byte[] DigestOf(in Keccak256 hasher)
    {
        byte[] digest = new byte[Keccak256.HashSize];
        hasher.Digest(digest);
        return digest;
    }

    private static byte[] OneShot(ReadOnlySpan<byte> message)
    {
        byte[] digest = new byte[Keccak256.HashSize];
        Keccak256.Hash(message, digest);
        return digest;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
