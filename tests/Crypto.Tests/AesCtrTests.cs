using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Devp2p.Crypto.Internal;
using Devp2p.Tests;
using Xunit;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// AesCtr: NIST known answers, a differential test against CTR built here from
/// System.Security.Cryptography's AES-ECB, keystream continuity across arbitrary splits,
/// in-place use, argument validation and allocation-freedom, on both the AES-NI and the portable path.
/// </summary>
public sealed class AesCtrTests
{
    private const int Seed = 0x5EED_AE5;
    private const int DifferentialCases = 250;
    private const int DifferentialMaxLength = 5000;

    // NIST SP 800-38A (2001), appendix F.5: "CTR Example Vectors", F.5.1 CTR-AES128.Encrypt and
    // F.5.5 CTR-AES256.Encrypt (https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38a.pdf).
    // Both share the initial counter block and the four-block plaintext; the counter's last byte
    // runs ff -> 00 with a carry into the byte before it between blocks 1 and 2.
    private const string NistInitialCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    private const string NistPlaintext =
        "6bc1bee22e409f96e93d7e117393172a" +
        "ae2d8a571e03ac9c9eb76fac45af8e51" +
        "30c81c46a35ce411e5fbc1191a0a52ef" +
        "f69f2445df4f9b17ad2b417be66c3710";

    private const string NistAes128Key = "2b7e151628aed2a6abf7158809cf4f3c";

    private const string NistAes128Ciphertext =
        "874d6191b620e3261bef6864990db6ce" +
        "9806f66b7970fdff8617187bb9fffdff" +
        "5ae4df3edbd5d35e5b4f09020db03eab" +
        "1e031dda2fbe03d1792170a0f3009cee";

    private const string NistAes256Key = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

    private const string NistAes256Ciphertext =
        "601ec313775789a5b7a7f504bbf3d228" +
        "f443e3ca4d62b59aca84e990cacaf5c5" +
        "2b0930daa23de94ce87017ba2d84988d" +
        "dfc9c58db67aada613c2dd08457941a6";

    public enum Path
    {
        Default,
        Portable,
    }

    private enum Split
    {
        Whole,
        SingleBytes,
        Random,
        OffBlockBoundaries,
    }

    public static TheoryData<Path> Paths => new() { Path.Default, Path.Portable };

    public static TheoryData<Path, string, string> NistVectors => new()
    {
        { Path.Default, NistAes128Key, NistAes128Ciphertext },
        { Path.Portable, NistAes128Key, NistAes128Ciphertext },
        { Path.Default, NistAes256Key, NistAes256Ciphertext },
        { Path.Portable, NistAes256Key, NistAes256Ciphertext },
    };

    [Fact]
    public void DefaultPathIsHardwareExactlyWhenAesNiIsAvailable()
    {
        Assert.Equal(AesNi.IsSupported && Ssse3.IsSupported, AesCtr.IsHardwareAccelerated);
        using var ctr = new AesCtr(new byte[32], new byte[16]);
        Assert.Equal(!AesCtr.IsHardwareAccelerated, ctr.IsPortable);
        using var portable = AesCtr.CreatePortable(new byte[32], new byte[16]);
        Assert.True(portable.IsPortable);
    }

    [Theory]
    [MemberData(nameof(NistVectors))]
    public void NistSp800_38aVectors(Path path, string keyHex, string ciphertextHex)
    {
        byte[] key = TestVectors.Hex(keyHex);
        byte[] iv = TestVectors.Hex(NistInitialCounter);
        byte[] plaintext = TestVectors.Hex(NistPlaintext);

        byte[] output = new byte[plaintext.Length];
        using (AesCtr ctr = Create(path, key, iv))
        {
            ctr.Transform(plaintext, output);
        }

        Assert.Equal(ciphertextHex, TestVectors.ToHex(output));

        // CTR decryption is the same operation; run it a byte at a time to cross every block edge.
        using (AesCtr ctr = Create(path, key, iv))
        {
            for (int i = 0; i < output.Length; i++)
            {
                ctr.Transform(output.AsSpan(i, 1));
            }
        }

        Assert.Equal(NistPlaintext, TestVectors.ToHex(output));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesReferenceOnRandomKeysIvsLengthsAndSplits(Path path)
    {
        var random = new Random(Seed + (int)path);
        for (int i = 0; i < DifferentialCases; i++)
        {
            byte[] key = RandomBytes(random, random.Next(2) == 0 ? 16 : 32);
            byte[] iv = RandomIv(random, i);
            byte[] input = RandomBytes(random, random.Next(DifferentialMaxLength + 1));
            var split = (Split)(i % 4);
            byte[] expected = ReferenceCtr(key, iv, input);

            byte[] output = new byte[input.Length];
            using (AesCtr ctr = Create(path, key, iv))
            {
                TransformInPieces(ctr, input, output, split, random, inPlace: false);
            }

            AssertEqualBytes(expected, output, $"case {i}: key {key.Length} B, iv {TestVectors.ToHex(iv)}, length {input.Length}, {split}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void InPlaceEqualsOutOfPlace(Path path)
    {
        var random = new Random(Seed + 100 + (int)path);
        for (int i = 0; i < 50; i++)
        {
            byte[] key = RandomBytes(random, i % 2 == 0 ? 16 : 32);
            byte[] iv = RandomIv(random, i);
            byte[] input = RandomBytes(random, random.Next(3000));

            byte[] outOfPlace = new byte[input.Length];
            using (AesCtr ctr = Create(path, key, iv))
            {
                TransformInPieces(ctr, input, outOfPlace, Split.Random, random, inPlace: false);
            }

            byte[] inPlace = (byte[])input.Clone();
            using (AesCtr ctr = Create(path, key, iv))
            {
                TransformInPieces(ctr, inPlace, inPlace, Split.Random, random, inPlace: true);
            }

            AssertEqualBytes(outOfPlace, inPlace, $"case {i}");
            AssertEqualBytes(ReferenceCtr(key, iv, input), inPlace, $"case {i} against the reference");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CounterCarriesAcrossTheLowHalfAndWrapsAtTheTop(Path path)
    {
        // Every start within 20 blocks of the low-half and full 128-bit wrap, over lengths that
        // put the carry at each position of an eight-block batch and across several batches.
        var random = new Random(Seed + 200 + (int)path);
        byte[] key = RandomBytes(random, 32);
        foreach (ulong high in new[] { 0UL, 0x0123_4567_89AB_CDEFUL, ulong.MaxValue })
        {
            for (ulong distance = 0; distance <= 20; distance++)
            {
                byte[] iv = new byte[16];
                BinaryPrimitives.WriteUInt64BigEndian(iv, high);
                BinaryPrimitives.WriteUInt64BigEndian(iv.AsSpan(8), ulong.MaxValue - distance);
                byte[] input = RandomBytes(random, (int)(16 * (distance + 10)) + (int)distance);

                byte[] output = new byte[input.Length];
                using (AesCtr ctr = Create(path, key, iv))
                {
                    ctr.Transform(input, output);
                }

                AssertEqualBytes(ReferenceCtr(key, iv, input), output, $"high {high:x}, low max-{distance}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void LongStreamInLargeAndTinyPiecesMatchesReference(Path path)
    {
        var random = new Random(Seed + 300 + (int)path);
        byte[] key = RandomBytes(random, 32);
        byte[] iv = RandomBytes(random, 16);
        byte[] input = RandomBytes(random, (256 * 1024) + 77);
        byte[] expected = ReferenceCtr(key, iv, input);

        byte[] output = new byte[input.Length];
        using (AesCtr ctr = Create(path, key, iv))
        {
            int position = 0;
            while (position < input.Length)
            {
                // Alternate big chunks with runs of tiny ones so the buffered tail is used and refilled.
                int piece = random.Next(4) == 0 ? random.Next(20_000) : random.Next(1, 40);
                piece = Math.Min(piece, input.Length - position);
                ctr.Transform(input.AsSpan(position, piece), output.AsSpan(position, piece));
                position += piece;
            }
        }

        AssertEqualBytes(expected, output, "long stream");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EmptyTransformDoesNotAdvanceTheStream(Path path)
    {
        byte[] key = TestVectors.Hex(NistAes128Key);
        byte[] iv = TestVectors.Hex(NistInitialCounter);
        byte[] data = TestVectors.Hex(NistPlaintext);
        using AesCtr ctr = Create(path, key, iv);
        ctr.Transform([]);
        ctr.Transform(data.AsSpan(0, 5));
        ctr.Transform(Span<byte>.Empty);
        ctr.Transform(ReadOnlySpan<byte>.Empty, Span<byte>.Empty);
        ctr.Transform(data.AsSpan(5));
        Assert.Equal(NistAes128Ciphertext, TestVectors.ToHex(data));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(24)]
    [InlineData(31)]
    [InlineData(33)]
    public void RejectsKeysThatAreNot16Or32Bytes(int length)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new AesCtr(new byte[length], new byte[16]));
        Assert.Equal("key", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => AesCtr.CreatePortable(new byte[length], new byte[16]));
        Assert.Equal("key", e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(15)]
    [InlineData(17)]
    public void RejectsIvsThatAreNot16Bytes(int length)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new AesCtr(new byte[16], new byte[length]));
        Assert.Equal("iv", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RejectsMismatchedLengthsAndPartialOverlap(Path path)
    {
        using AesCtr ctr = Create(path, new byte[16], new byte[16]);
        byte[] buffer = new byte[64];

        ArgumentException e = Assert.Throws<ArgumentException>(() => ctr.Transform(buffer.AsSpan(0, 16), buffer.AsSpan(16, 15)));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ctr.Transform(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32)));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ctr.Transform(buffer.AsSpan(16, 32), buffer.AsSpan(0, 32)));
        Assert.Equal("output", e.ParamName);

        // A rejected call must not consume keystream.
        byte[] expected = ReferenceCtr(new byte[16], new byte[16], new byte[16]);
        byte[] output = new byte[16];
        ctr.Transform(new byte[16], output);
        Assert.Equal(expected, output);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void DisposeZeroesKeyMaterialAndLaterUseThrows(Path path)
    {
        var random = new Random(Seed + 400 + (int)path);
        AesCtr ctr = Create(path, RandomBytes(random, 32), RandomBytes(random, 16));

        // Leave keystream buffered so there is something to wipe.
        ctr.Transform(new byte[5]);
        Assert.False(IsAllZero(ctr, "_keystream"));
        if (!ctr.IsPortable)
        {
            Assert.False(IsAllZero(ctr, "_roundKeys"));
        }

        ctr.Dispose();
        Assert.True(IsAllZero(ctr, "_keystream"));
        Assert.True(IsAllZero(ctr, "_roundKeys"));
        Assert.Equal(0UL, (ulong)GetField(ctr, "_counterHigh")!);
        Assert.Equal(0UL, (ulong)GetField(ctr, "_counterLow")!);

        ctr.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ctr.Transform(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => ctr.Transform(new byte[16], new byte[16]));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TransformDoesNotAllocate(Path path)
    {
        var random = new Random(Seed + 500 + (int)path);
        byte[] input = RandomBytes(random, 20_000);
        byte[] output = new byte[input.Length];
        int[] lengths = [0, 1, 5, 16, 17, 100, 127, 128, 129, 1000, 1024, 4099, 16_384];
        using AesCtr key128 = Create(path, RandomBytes(random, 16), RandomBytes(random, 16));
        using AesCtr key256 = Create(path, RandomBytes(random, 32), RandomBytes(random, 16));

        void Run()
        {
            foreach (int length in lengths)
            {
                key128.Transform(input.AsSpan(0, length), output.AsSpan(0, length));
                key256.Transform(input.AsSpan(0, length), output.AsSpan(0, length));
                key256.Transform(output.AsSpan(0, length));
            }
        }

        for (int i = 0; i < 200; i++)
        {
            Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static AesCtr Create(Path path, byte[] key, byte[] iv) =>
        path == Path.Portable ? AesCtr.CreatePortable(key, iv) : new AesCtr(key, iv);

    /// <summary>
    /// CTR written the obvious way, independent of the code under test: counter blocks built by a
    /// byte-wise big-endian increment (carry through all 16 bytes, wrapping to zero), encrypted
    /// with System.Security.Cryptography AES-ECB in one call, XORed in.
    /// </summary>
    private static byte[] ReferenceCtr(byte[] key, byte[] iv, byte[] input)
    {
        int blocks = (input.Length + 15) / 16;
        byte[] counters = new byte[blocks * 16];
        byte[] counter = (byte[])iv.Clone();
        for (int block = 0; block < blocks; block++)
        {
            counter.CopyTo(counters, block * 16);
            for (int i = 15; i >= 0 && ++counter[i] == 0; i--)
            {
            }
        }

        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        byte[] keystream = aes.EncryptEcb(counters, PaddingMode.None);
        byte[] output = new byte[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }

        return output;
    }

    private static void TransformInPieces(AesCtr ctr, byte[] input, byte[] output, Split split, Random random, bool inPlace)
    {
        int[] offBoundary = [15, 17, 1, 127, 129, 31, 3, 255, 16, 128];
        int position = 0;
        int step = 0;
        while (position < input.Length || (position == 0 && step == 0))
        {
            int remaining = input.Length - position;
            int piece = split switch
            {
                Split.Whole => remaining,
                Split.SingleBytes => 1,
                Split.Random => random.Next(0, 600),
                _ => offBoundary[step % offBoundary.Length],
            };
            piece = Math.Min(piece, remaining);
            if (inPlace)
            {
                ctr.Transform(output.AsSpan(position, piece));
            }
            else
            {
                ctr.Transform(input.AsSpan(position, piece), output.AsSpan(position, piece));
            }

            position += piece;
            step++;
        }
    }

    /// <summary>Random IVs, with every third one pushed to within a few blocks of a carry or the 128-bit wrap.</summary>
    private static byte[] RandomIv(Random random, int caseNumber)
    {
        byte[] iv = RandomBytes(random, 16);
        switch (caseNumber % 6)
        {
            case 1:
                // Low half just below 2^64: the carry lands inside the first batches.
                BinaryPrimitives.WriteUInt64BigEndian(iv.AsSpan(8), ulong.MaxValue - (ulong)random.Next(0, 40));
                break;
            case 3:
                iv.AsSpan().Fill(0xFF);
                break;
            case 5:
                // All ones except the last few counts: the whole block wraps to zero mid-stream.
                iv.AsSpan().Fill(0xFF);
                iv[15] = (byte)(0xFF - random.Next(0, 20));
                break;
        }

        return iv;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void AssertEqualBytes(byte[] expected, byte[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        int mismatch = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(mismatch == expected.Length, $"{context}: first difference at byte {mismatch}");
    }

    private static object? GetField(AesCtr ctr, string name)
    {
        FieldInfo? field = typeof(AesCtr).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.NotNull(field);
        return field.GetValue(ctr);
    }

    private static bool IsAllZero(AesCtr ctr, string name)
    {
        object value = GetField(ctr, name)!;
        if (value is byte[] bytes)
        {
            return !bytes.AsSpan().ContainsAnyExcept((byte)0);
        }

        var keys = (AesRoundKeys)value;
        Span<Vector128<byte>> vectors = keys;
        return !MemoryMarshal.AsBytes(vectors).ContainsAnyExcept((byte)0);
    }
}
