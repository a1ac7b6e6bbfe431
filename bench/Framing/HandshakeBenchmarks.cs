using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;

namespace Devp2p.Bench.Framing;

/// <summary>
/// A complete in-memory EIP-8 RLPx handshake (both roles: auth written, read, ack written, read,
/// secrets taken), and the secp256k1 operations it is made of, measured alone in the same run. A
/// handshake does 8 ECDH (per side: static-shared-secret, ECIES encrypt, ECIES decrypt,
/// ephemeral-key), 4 key generations (two ephemeral keys, two ECIES ephemeral keys), 1 sign and 1
/// recover, so the rate its EC work alone allows is 1 / (8 Ecdh + 4 GenerateKey + Sign + Recover).
/// Run: <c>dotnet run -c Release --project bench -- --filter '*Handshake*'</c>.
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    private readonly byte[] _auth = new byte[RlpxInitiatorHandshake.MaxPacketLength];
    private readonly byte[] _ack = new byte[RlpxRecipientHandshake.MaxPacketLength];
    private readonly byte[] _hash = new byte[32];
    private readonly byte[] _signature = new byte[Secp256k1.SignatureLength];
    private readonly byte[] _shared = new byte[Secp256k1.SharedSecretLength];
    private PrivateKey _initiatorKey = null!;
    private PrivateKey _recipientKey = null!;
    private PublicKey _recipientPublicKey;

    /// <summary>Creates the two node keys and checks a handshake and each EC operation once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _initiatorKey = PrivateKey.Generate();
        _recipientKey = PrivateKey.Generate();
        _recipientPublicKey = _recipientKey.PublicKey;
        RandomNumberGenerator.Fill(_hash);
        _initiatorKey.Sign(_hash, _signature);
        Check(PublicKey.Recover(_hash, _signature) == _initiatorKey.PublicKey, "recover(sign(h)) is not the signer");

        byte[] other = new byte[Secp256k1.SharedSecretLength];
        _initiatorKey.Ecdh(_recipientPublicKey, _shared);
        _recipientKey.Ecdh(_initiatorKey.PublicKey, other);
        Check(_shared.AsSpan().SequenceEqual(other), "ECDH is not symmetric");

        (RlpxSecrets initiator, RlpxSecrets recipient) = RunHandshake();
        using (initiator)
        using (recipient)
        {
            Check(initiator.AesSecret.SequenceEqual(recipient.AesSecret), "aes-secret differs");
            Check(initiator.MacSecret.SequenceEqual(recipient.MacSecret), "mac-secret differs");
            Check(Digest(initiator.EgressMac).SequenceEqual(Digest(recipient.IngressMac)), "egress/ingress MAC differ");
            Check(Digest(initiator.IngressMac).SequenceEqual(Digest(recipient.EgressMac)), "ingress/egress MAC differ");
            Check(recipient.RemotePublicKey == _initiatorKey.PublicKey, "recipient learned the wrong node ID");
        }
    }

    /// <summary>Zeroes the node keys.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _initiatorKey.Dispose();
        _recipientKey.Dispose();
    }

    /// <summary>One complete EIP-8 handshake, both roles, in memory.</summary>
    [Benchmark]
    public int Handshake()
    {
        (RlpxSecrets initiator, RlpxSecrets recipient) = RunHandshake();
        int check = initiator.AesSecret[0] ^ recipient.AesSecret[0];
        initiator.Dispose();
        recipient.Dispose();
        return check;
    }

    /// <summary>ECDH x coordinate with a stored public key (includes its re-parse), as the handshake does 8 times.</summary>
    [Benchmark]
    public byte Ecdh()
    {
        _initiatorKey.Ecdh(_recipientPublicKey, _shared);
        return _shared[0];
    }

    /// <summary>Key generation (random scalar and public key), as the handshake does 4 times.</summary>
    [Benchmark]
    public PublicKey GenerateKey()
    {
        using PrivateKey key = PrivateKey.Generate();
        return key.PublicKey;
    }

    /// <summary>Recoverable signature over a 32-byte hash, as the initiator does once.</summary>
    [Benchmark]
    public byte Sign()
    {
        _initiatorKey.Sign(_hash, _signature);
        return _signature[64];
    }

    /// <summary>Public-key recovery from a signature, as the recipient does once.</summary>
    [Benchmark]
    public PublicKey Recover() => PublicKey.Recover(_hash, _signature);

    private (RlpxSecrets Initiator, RlpxSecrets Recipient) RunHandshake()
    {
        using var initiator = new RlpxInitiatorHandshake(_initiatorKey, _recipientPublicKey);
        using var recipient = new RlpxRecipientHandshake(_recipientKey);
        int authLength = initiator.WriteAuth(_auth);
        if (!recipient.TryReadAuth(_auth.AsSpan(0, authLength), out _))
        {
            throw new InvalidOperationException("auth incomplete");
        }

        int ackLength = recipient.WriteAck(_ack);
        if (!initiator.TryReadAck(_ack.AsSpan(0, ackLength), out _))
        {
            throw new InvalidOperationException("ack incomplete");
        }

        return (initiator.TakeSecrets(), recipient.TakeSecrets());
    }

    private static byte[] Digest(Keccak256 mac)
    {
        byte[] digest = new byte[Keccak256.HashSize];
        mac.Digest(digest);
        return digest;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("HandshakeBenchmarks setup check failed: " + what);
        }
    }
}
