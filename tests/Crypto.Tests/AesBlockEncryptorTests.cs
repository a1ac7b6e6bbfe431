using System.Security.Cryptography;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// AesBlockEncryptor: FIPS-197 and SP 800-38A ECB known answers, random keys and blocks against
/// System.Security.Cryptography AES-ECB, in-place use, argument validation and allocation-freedom,
/// on both the AES-NI and the portable path.
/// </summary>
public sealed class AesBlockEncryptorTests
{
    private const int Seed = 0xB10C;
    private const int DifferentialCases = 500;

    public enum Path
    {
        Default,
        Portable,
    }

    public static TheoryData<Path> Paths => new() { Path.Default, Path.Portable };

    // FIPS-197 (2001) appendix C.1 (AES-128) and C.3 (AES-256), "Example Vectors":
    // https://nvlpubs.nist.gov/nistpubs/FIPS/NIST.FIPS.197.pdf. NIST SP 800-38A appendix F.1.1 and
    // F.1.5 (ECB-AES128/256.Encrypt), block 1: https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38a.pdf.
    public static TheoryData<Path, string, string, string> KnownAnswers
    {
        get
        {
            var data = new TheoryData<Path, string, string, string>();
            foreach (Path path in new[] { Path.Default, Path.Portable })
            {
                data.Add(path, "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a");
                data.Add(
                    path,
                    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                    "00112233445566778899aabbccddeeff",
                    "8ea2b7ca516745bfeafc49904b496089");
                data.Add(path, "2b7e151628aed2a6abf7158809cf4f3c", "6bc1bee22e409f96e93d7e117393172a", "3ad77bb40d7a3660a89ecaf32466ef97");
                data.Add(
                    path,
                    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                    "6bc1bee22e409f96e93d7e117393172a",
                    "f3eed1bdb5d2a03c064b5a7e3db181f8");
            }

            return data;
        }
    }

    [Fact]
    public void DefaultPathIsHardwareExactlyWhenAesCtrsIs()
    {
        Assert.Equal(AesCtr.IsHardwareAccelerated, AesBlockEncryptor.IsHardwareAccelerated);
        using var encryptor = new AesBlockEncryptor(new byte[32]);
        Assert.Equal(!AesBlockEncryptor.IsHardwareAccelerated, encryptor.IsPortable);
        using var portable = AesBlockEncryptor.CreatePortable(new byte[32]);
        Assert.True(portable.IsPortable);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void KnownAnswerVectors(Path path, string keyHex, string plaintextHex, string ciphertextHex)
    {
        using AesBlockEncryptor encryptor = Create(path, TestVectors.Hex(keyHex));
        byte[] output = new byte[16];
        encryptor.EncryptBlock(TestVectors.Hex(plaintextHex), output);
        Assert.Equal(ciphertextHex, TestVectors.ToHex(output));

        // The key schedule is kept: a second block under the same key gives the same answer.
        byte[] block = TestVectors.Hex(plaintextHex);
        encryptor.EncryptBlock(block, block);
        Assert.Equal(ciphertextHex, TestVectors.ToHex(block));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesSystemAesEcbOnRandomKeysAndBlocks(Path path)
    {
        var random = new Random(Seed + (int)path);
        using var reference = System.Security.Cryptography.Aes.Create();
        for (int i = 0; i < DifferentialCases; i++)
        {
            byte[] key = RandomBytes(random, i % 2 == 0 ? 16 : 32);
            reference.Key = key;
            using AesBlockEncryptor encryptor = Create(path, key);
            for (int j = 0; j < 4; j++)
            {
                byte[] block = RandomBytes(random, 16);
                byte[] expected = reference.EncryptEcb(block, PaddingMode.None);
                byte[] output = new byte[16];
                encryptor.EncryptBlock(block, output);
                Assert.True(expected.AsSpan().SequenceEqual(output), $"case {i}.{j}: key {TestVectors.ToHex(key)}, block {TestVectors.ToHex(block)}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void InPlaceAndOverlappingSpansAreAllowed(Path path)
    {
        var random = new Random(Seed + 10 + (int)path);
        byte[] key = RandomBytes(random, 32);
        using AesBlockEncryptor encryptor = Create(path, key);
        byte[] buffer = RandomBytes(random, 24);
        byte[] expected = new byte[16];
        encryptor.EncryptBlock(buffer.AsSpan(0, 16), expected);

        byte[] overlapping = (byte[])buffer.Clone();
        encryptor.EncryptBlock(overlapping.AsSpan(0, 16), overlapping.AsSpan(8, 16));
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(overlapping.AsSpan(8, 16)));

        encryptor.EncryptBlock(buffer.AsSpan(0, 16), buffer.AsSpan(0, 16));
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(buffer.AsSpan(0, 16)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(24)]
    [InlineData(33)]
    public void RejectsKeysThatAreNot16Or32Bytes(int length)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new AesBlockEncryptor(new byte[length]));
        Assert.Equal("key", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => AesBlockEncryptor.CreatePortable(new byte[length]));
        Assert.Equal("key", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RejectsBlocksThatAreNot16Bytes(Path path)
    {
        using AesBlockEncryptor encryptor = Create(path, new byte[16]);
        ArgumentException e = Assert.Throws<ArgumentException>(() => encryptor.EncryptBlock(new byte[15], new byte[16]));
        Assert.Equal("input16", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => encryptor.EncryptBlock(new byte[32], new byte[16]));
        Assert.Equal("input16", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => encryptor.EncryptBlock(new byte[16], new byte[17]));
        Assert.Equal("output16", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => encryptor.EncryptBlock(new byte[16], Span<byte>.Empty));
        Assert.Equal("output16", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void UseAfterDisposeThrows(Path path)
    {
        AesBlockEncryptor encryptor = Create(path, new byte[32]);
        encryptor.Dispose();
        encryptor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encryptor.EncryptBlock(new byte[16], new byte[16]));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EncryptBlockDoesNotAllocate(Path path)
    {
        var random = new Random(Seed + 20 + (int)path);
        using AesBlockEncryptor key128 = Create(path, RandomBytes(random, 16));
        using AesBlockEncryptor key256 = Create(path, RandomBytes(random, 32));
        byte[] block = RandomBytes(random, 16);

        void Run()
        {
            for (int i = 0; i < 100; i++)
            {
                key128.EncryptBlock(block, block);
                key256.EncryptBlock(block, block);
            }
        }

        for (int i = 0; i < 100; i++)
        {
            Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static AesBlockEncryptor Create(Path path, byte[] key) =>
        path == Path.Portable ? AesBlockEncryptor.CreatePortable(key) : new AesBlockEncryptor(key);

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
