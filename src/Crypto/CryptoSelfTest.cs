using System.Security.Cryptography;

namespace Devp2p.Crypto;

/// <summary>
/// A quick known-answer check of every primitive, for a node to run at start-up and for
/// `devp2p node` to report: it proves the native secp256k1 library loads and that the managed
/// Keccak and AES paths selected on this CPU give the reference answers.
/// </summary>
public static class CryptoSelfTest
{
    /// <summary>One line of the self-test report.</summary>
    /// <param name="Name">The primitive checked.</param>
    /// <param name="Passed">True when it gave the reference answer.</param>
    /// <param name="Detail">The implementation selected, or what went wrong.</param>
    public readonly record struct Result(string Name, bool Passed, string Detail);

    /// <summary>Runs every check; never throws for a failed check (the failure is in the result).</summary>
    public static IReadOnlyList<Result> Run()
    {
        return
        [
            Check("keccak-256", CheckKeccak),
            Check("aes-256-ctr", CheckAesCtr),
            Check("secp256k1", CheckSecp256k1),
            Check("ecies", CheckEcies),
        ];
    }

    private static Result Check(string name, Func<string> check)
    {
        try
        {
            return new Result(name, true, check());
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return new Result(name, false, ex.Message);
        }
    }

    private static string CheckKeccak()
    {
        // Keccak-256("abc"), the original (pre-NIST) padding that Ethereum uses.
        ReadOnlySpan<byte> expected = Convert.FromHexString("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        Keccak256.Hash("abc"u8, digest);
        Require(digest.SequenceEqual(expected), "Keccak-256(\"abc\") differs from the reference digest");
        return System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported
            ? "managed keccak-f[1600], AVX-512VL lane-pair form"
            : "managed keccak-f[1600], unrolled scalar form";
    }

    private static string CheckAesCtr()
    {
        // NIST SP 800-38A F.5.5 CTR-AES256.Encrypt, first block.
        byte[] key = Convert.FromHexString("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        byte[] iv = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        byte[] block = Convert.FromHexString("6bc1bee22e409f96e93d7e117393172a");
        using (var ctr = new AesCtr(key, iv))
        {
            ctr.Transform(block);
        }

        Require(block.AsSpan().SequenceEqual(Convert.FromHexString("601ec313775789a5b7a7f504bbf3d228")), "AES-256-CTR differs from NIST SP 800-38A F.5.5");
        return AesCtr.IsHardwareAccelerated ? "AES-NI, 8 blocks in flight" : "portable (no AES-NI on this CPU)";
    }

    private static string CheckSecp256k1()
    {
        using PrivateKey a = PrivateKey.Generate();
        using PrivateKey b = PrivateKey.Generate();
        Span<byte> ab = stackalloc byte[32];
        Span<byte> ba = stackalloc byte[32];
        a.Ecdh(b.PublicKey, ab);
        b.Ecdh(a.PublicKey, ba);
        Require(ab.SequenceEqual(ba), "ECDH is not symmetric");

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash("devp2p self-test"u8, hash);
        Span<byte> signature = stackalloc byte[65];
        a.Sign(hash, signature);
        Require(PublicKey.Recover(hash, signature).Equals(a.PublicKey), "recovered public key differs from the signer's");
        return "system libsecp256k1 (ECDH, recoverable signatures)";
    }

    private static string CheckEcies()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        ReadOnlySpan<byte> message = "devp2p self-test message"u8;
        byte[] sealedBytes = new byte[Ecies.GetCiphertextLength(message.Length)];
        Ecies.Encrypt(recipient.PublicKey, message, [0x01, 0x02], sealedBytes);
        byte[] opened = new byte[message.Length];
        int length = Ecies.Decrypt(recipient, sealedBytes, [0x01, 0x02], opened);
        Require(opened.AsSpan(0, length).SequenceEqual(message), "ECIES round trip changed the message");
        return "concat-KDF SHA-256, AES-128-CTR, HMAC-SHA-256";
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new CryptographicException(failure);
        }
    }
}
