using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Devp2p.Crypto.Internal;
using Devp2p.Tests;
using Org.BouncyCastle.Crypto.Digests;
using Xunit;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// Keccak256 against BouncyCastle's KeccakDigest(256) on random inputs, and the two
/// permutation bodies (scalar, AVX-512) against each other.
/// </summary>
public sealed partial class Keccak256Tests
{
    private const int DifferentialCases = 300;
    private const int DifferentialMaxLength = 10 * 1024;

    private enum Body
    {
        Scalar,
        Avx512,
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(137)]
    [InlineData(271)]
    [InlineData(272)]
    [InlineData(273)]
    public void MatchesBouncyCastleAtBlockBoundaries(int length)
    {
        var random = new Random(Seed + length);
        byte[] message = RandomBytes(random, length);
        string expected = TestVectors.ToHex(BouncyCastleKeccak(message));

        Assert.Equal(expected, TestVectors.ToHex(OneShot(message)));
        Assert.Equal(expected, TestVectors.ToHex(HashWithBody(Body.Scalar, message)));

        var hasher = new Keccak256();
        foreach (byte b in message)
        {
            hasher.Update([b]);
        }

        Assert.Equal(expected, TestVectors.ToHex(DigestOf(hasher)));
    }

    [Fact]
    public void MatchesBouncyCastleOnRandomInputsAndSplits()
    {
        var random = new Random(Seed);
        for (int i = 0; i < DifferentialCases; i++)
        {
            byte[] message = RandomBytes(random, random.Next(DifferentialMaxLength + 1));
            byte[] expected = BouncyCastleKeccak(message);

            var hasher = new Keccak256();
            int offset = 0;
            while (offset < message.Length)
            {
                int take = RandomSplitLength(random, message.Length - offset);
                hasher.Update(message.AsSpan(offset, take));
                offset += take;
            }

            byte[] incremental = DigestOf(hasher);
            byte[] oneShot = OneShot(message);
            Assert.True(
                expected.AsSpan().SequenceEqual(incremental) && expected.AsSpan().SequenceEqual(oneShot),
                $"case {i}, length {message.Length}, seed {Seed}: BouncyCastle {TestVectors.ToHex(expected)}, " +
                $"incremental {TestVectors.ToHex(incremental)}, one-shot {TestVectors.ToHex(oneShot)}");
        }
    }

    [Avx512Fact]
    public void ScalarAndAvx512BodiesAgreeOnRandomStates()
    {
        var random = new Random(Seed);
        for (int trial = 0; trial < 200; trial++)
        {
            KeccakState start = default;
            for (int lane = 0; lane < KeccakF1600.StateLanes; lane++)
            {
                start[lane] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            }

            int blocks = random.Next(1, 6);
            byte[] data = RandomBytes(random, blocks * KeccakF1600.RateBytes);

            KeccakState scalar = start;
            KeccakState vector = start;
            KeccakF1600.AbsorbScalar(ref scalar, ref MemoryMarshal.GetArrayDataReference(data), blocks);
            KeccakF1600.AbsorbAvx512(ref vector, ref MemoryMarshal.GetArrayDataReference(data), blocks);

            for (int lane = 0; lane < KeccakF1600.StateLanes; lane++)
            {
                Assert.True(
                    scalar[lane] == vector[lane],
                    $"trial {trial} ({blocks} blocks, seed {Seed}): lane {lane} scalar {scalar[lane]:x16} AVX-512 {vector[lane]:x16}");
            }
        }
    }

    [Avx512Fact]
    public void Avx512BodyMatchesBouncyCastle()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 50; i++)
        {
            byte[] message = RandomBytes(random, random.Next(4 * Keccak256.RateBytes));
            Assert.True(
                BouncyCastleKeccak(message).AsSpan().SequenceEqual(HashWithBody(Body.Avx512, message)),
                $"case {i}, length {message.Length}, seed {Seed}");
        }
    }

    private static byte[] BouncyCastleKeccak(byte[] message)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(message, 0, message.Length);
        byte[] output = new byte[Keccak256.HashSize];
        digest.DoFinal(output, 0);
        return output;
    }

    /// <summary>
    /// Keccak-256 built directly on one permutation body, with its own padding, so a body can be
    /// checked whatever <see cref="KeccakF1600.Absorb"/> would pick on this machine.
    /// </summary>
    private static byte[] HashWithBody(Body body, ReadOnlySpan<byte> message)
    {
        KeccakState state = default;
        int blocks = message.Length / KeccakF1600.RateBytes;
        if (blocks != 0)
        {
            RunBody(body, ref state, message, blocks);
        }

        byte[] last = new byte[KeccakF1600.RateBytes];
        message[(blocks * KeccakF1600.RateBytes)..].CopyTo(last);
        last[message.Length - (blocks * KeccakF1600.RateBytes)] ^= 0x01;
        last[^1] ^= 0x80;
        RunBody(body, ref state, last, 1);

        byte[] digest = new byte[Keccak256.HashSize];
        for (int lane = 0; lane < 4; lane++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digest.AsSpan(lane * 8), state[lane]);
        }

        return digest;
    }

    private static void RunBody(Body body, ref KeccakState state, ReadOnlySpan<byte> data, int blocks)
    {
        ref byte input = ref MemoryMarshal.GetReference(data);
        if (body == Body.Scalar)
        {
            KeccakF1600.AbsorbScalar(ref state, ref input, blocks);
        }
        else
        {
            KeccakF1600.AbsorbAvx512(ref state, ref input, blocks);
        }
    }

    /// <summary>A fact that is reported as skipped on CPUs without AVX-512VL.</summary>
    private sealed class Avx512FactAttribute : FactAttribute
    {
        public Avx512FactAttribute()
        {
            if (!Avx512F.VL.IsSupported)
            {
                Skip = "this CPU has no AVX-512VL";
            }
        }
    }
}
