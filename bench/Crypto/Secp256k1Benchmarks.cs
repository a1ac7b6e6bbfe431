using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Devp2p.Crypto;

namespace Devp2p.Bench.Crypto;

/// <summary>
/// secp256k1 over libsecp256k1 (ECDH, sign, recover, verify, key generation, the per-call public-key
/// re-parse) and RLPx ECIES on a 200-byte message, the size of a typical EIP-8 auth body.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*Secp256k1*'</c>.
/// </summary>
[MemoryDiagnoser]
public class Secp256k1Benchmarks
{
    private const int EciesMessageLength = 200;
    private static readonly byte[] s_sharedMacData = [0x01, 0x35];

    private readonly byte[] _hash = new byte[Secp256k1.HashLength];
    private readonly byte[] _signature = new byte[Secp256k1.SignatureLength];
    private readonly byte[] _recovered = new byte[Secp256k1.PublicKeyLength];
    private readonly byte[] _shared = new byte[Secp256k1.SharedSecretLength];
    private readonly byte[] _encodedRemote = new byte[Secp256k1.PublicKeyLength];
    private readonly byte[] _plaintext = new byte[EciesMessageLength];
    private readonly byte[] _ciphertext = new byte[EciesMessageLength + Ecies.Overhead];
    private readonly byte[] _encryptOutput = new byte[EciesMessageLength + Ecies.Overhead];
    private readonly byte[] _decrypted = new byte[EciesMessageLength];
    private PrivateKey _local = null!;
    private PrivateKey _remote = null!;
    private PublicKey _remotePublicKey;

    /// <summary>Creates two keys and a signed hash and checks every operation once before measuring.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _local = PrivateKey.Generate();
        _remote = PrivateKey.Generate();
        _remotePublicKey = _remote.PublicKey;
        _remotePublicKey.WriteTo(_encodedRemote);
        RandomNumberGenerator.Fill(_hash);
        RandomNumberGenerator.Fill(_plaintext);
        _local.Sign(_hash, _signature);

        Check(PublicKey.Recover(_hash, _signature) == _local.PublicKey, "recover(sign(h)) is not the signer");
        Check(_local.PublicKey.Verify(_hash, _signature), "verify rejected a fresh signature");
        byte[] other = new byte[Secp256k1.SharedSecretLength];
        _local.Ecdh(_remotePublicKey, _shared);
        _remote.Ecdh(_local.PublicKey, other);
        Check(_shared.AsSpan().SequenceEqual(other), "ECDH is not symmetric");
        Check(new PublicKey(_encodedRemote) == _remotePublicKey, "parse of x || y changed the key");
        Ecies.Encrypt(_remotePublicKey, _plaintext, s_sharedMacData, _ciphertext);
        Check(Ecies.Decrypt(_remote, _ciphertext, s_sharedMacData, _decrypted) == EciesMessageLength
            && _decrypted.AsSpan().SequenceEqual(_plaintext), "ECIES round trip failed");
    }

    /// <summary>Zeroes the keys.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _local.Dispose();
        _remote.Dispose();
    }

    /// <summary>ECDH shared x coordinate (RLPx convention), including the re-parse of the remote key.</summary>
    [Benchmark]
    public byte Ecdh()
    {
        _local.Ecdh(_remotePublicKey, _shared);
        return _shared[0];
    }

    /// <summary>Recoverable RFC 6979 signature over a 32-byte hash.</summary>
    [Benchmark]
    public byte Sign()
    {
        _local.Sign(_hash, _signature);
        return _signature[64];
    }

    /// <summary>Public-key recovery from a 65-byte signature into x || y.</summary>
    [Benchmark]
    public byte Recover()
    {
        Secp256k1.Recover(_hash, _signature, _recovered);
        return _recovered[0];
    }

    /// <summary>Signature verification against a stored key (includes the re-parse).</summary>
    [Benchmark]
    public bool Verify() => _local.PublicKey.Verify(_hash, _signature);

    /// <summary>Key generation: random scalar, range check, public key; allocates the key object.</summary>
    [Benchmark]
    public PublicKey GenerateKey()
    {
        using PrivateKey key = PrivateKey.Generate();
        return key.PublicKey;
    }

    /// <summary>
    /// The cost every operation on a <see cref="PublicKey"/> pays to turn x || y back into the
    /// library's parsed form (the alternative, caching the parsed form, would make the struct 128 bytes).
    /// </summary>
    [Benchmark]
    public unsafe bool ReparsePublicKey()
    {
        byte* native = stackalloc byte[64];
        return Secp256k1.TryParseNativeXy(_encodedRemote, native);
    }

    /// <summary>Full validation of a 64-byte public key from the wire (parse and re-serialize).</summary>
    [Benchmark]
    public PublicKey ParsePublicKey() => new(_encodedRemote);

    /// <summary>ECIES encryption of 200 bytes with EIP-8 shared MAC data (ephemeral key, ECDH, KDF, AES-CTR, HMAC).</summary>
    [Benchmark]
    public int EciesEncrypt() => Ecies.Encrypt(_remotePublicKey, _plaintext, s_sharedMacData, _encryptOutput);

    /// <summary>ECIES decryption of 200 bytes with EIP-8 shared MAC data.</summary>
    [Benchmark]
    public int EciesDecrypt() => Ecies.Decrypt(_remote, _ciphertext, s_sharedMacData, _decrypted);

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Secp256k1Benchmarks setup check failed: " + what);
        }
    }
}
