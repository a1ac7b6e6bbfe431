using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Devp2p.Tests;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Xunit;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using BcPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// secp256k1 keys, signatures and ECDH against the official vectors, go-ethereum's crypto test
/// values, and an independent BouncyCastle computation.
/// </summary>
public sealed class Secp256k1Tests
{
    private const string GroupOrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    private const string FieldPrimeHex = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

    // go-ethereum crypto/crypto_test.go (testPrivHex, testAddrHex) and crypto/signature_test.go.
    private const string GethPrivateKey = "289c2857d4598e37fb9647507e47a309d6133539bf21a8b9cb6df88fd5232032";
    private const string GethAddress = "970e8128ab834e8eac17ab8e3812f010678cf791";
    private const string GethMessage = "ce0677bb30baa8cf067c88db9811f4333d131bf8bcf12fe7065d211dce971008";
    private const string GethSignature =
        "90f27b8b488db00b00606796d2987f6a5f59ae62ea05effe84fef5b8b0e549984a691139ad57a3f0b906637673aa2f63d1f55cb1a69199d4009eea23ceaddc9301";
    private const string GethPublicKey =
        "04e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a0a2b2667f7e725ceea70c673093bf67663e0312623c8e091b13cf2c0f11ef652";
    private const string GethCompressedPublicKey = "02e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a";
    private const string GethMalleableSignature =
        "638a54215d80a6713c8d523a6adc4e6e73652d859103a36b700851cb0e61b66b8ebfc1a610c57d732ec6e0a8f06a9a7a28df5051ece514702ff9cdff0b11f454";
    private const string GethMalleableKey = "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138";
    private const string GethMalleableMessage = "d301ce462d3e639518f482c7f03821fec1e602018630ce621e1e7851c12343a6";

    private static readonly X9ECParameters s_curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters s_domain = new(s_curve.Curve, s_curve.G, s_curve.N, s_curve.H);

    [Fact]
    public void LibraryIsAvailable()
    {
        Assert.True(Secp256k1.IsAvailable, "libsecp256k1 must be installed for the crypto tests (apt-get install -y libsecp256k1-1)");
        Secp256k1.EnsureAvailable();
    }

    [Theory]
    [InlineData("initiatorStaticPrivateKey", "initiatorStatic")]
    [InlineData("recipientStaticPrivateKey", "recipientStatic")]
    [InlineData("initiatorEphemeralPrivateKey", "initiatorEphemeral")]
    [InlineData("recipientEphemeralPrivateKey", "recipientEphemeral")]
    public void PublicKeyOfHandshakeVectorKeyMatches(string privateName, string publicName)
    {
        using JsonDocument doc = TestVectors.Load("rlpx-handshake.json");
        string secretHex = doc.RootElement.GetProperty("keys").GetProperty(privateName).GetString()!;
        string expected = doc.RootElement.GetProperty("publicKeys").GetProperty(publicName).GetString()!;

        using PrivateKey key = PrivateKey.FromHex(secretHex);

        Assert.Equal(expected, key.PublicKey.ToHex());
        Assert.Equal(expected, BouncyCastlePublicKey(TestVectors.Hex(secretHex)));
    }

    [Fact]
    public void FromHexOfCharactersMatchesFromHexOfAString()
    {
        using JsonDocument doc = TestVectors.Load("discv4.json");
        string hex = doc.RootElement.GetProperty("nodePrivateKey").GetString()!;
        char[] padded = ("  0x" + hex + "\n").ToCharArray();

        using PrivateKey fromChars = PrivateKey.FromHex(padded.AsSpan());

        Assert.Equal(doc.RootElement.GetProperty("nodePublicKey").GetString(), fromChars.PublicKey.ToHex());
        Assert.Throws<FormatException>(() => PrivateKey.FromHex(hex.AsSpan(1)));
    }

    [Fact]
    public void PublicKeyOfDiscoveryNodeKeyMatches()
    {
        using JsonDocument doc = TestVectors.Load("discv4.json");
        using PrivateKey key = PrivateKey.FromHex(doc.RootElement.GetProperty("nodePrivateKey").GetString()!);

        Assert.Equal(doc.RootElement.GetProperty("nodePublicKey").GetString(), key.PublicKey.ToHex());

        // The node ID (keccak256 of x || y) is given in the source (devp2p enr.md).
        Span<byte> xy = stackalloc byte[64];
        key.PublicKey.WriteTo(xy);
        Assert.Equal(doc.RootElement.GetProperty("nodeId").GetString(), TestVectors.ToHex(Keccak(xy)));
    }

    [Fact]
    public void GethTestKeyHasGethTestAddress()
    {
        using PrivateKey key = PrivateKey.FromHex(GethPrivateKey);
        Span<byte> xy = stackalloc byte[64];
        key.PublicKey.WriteTo(xy);

        // An Ethereum address is the last 20 bytes of keccak256(x || y).
        Assert.Equal(GethAddress, TestVectors.ToHex(Keccak(xy).AsSpan(12)));
    }

    [Fact]
    public void RecoversGethTestSignature()
    {
        PublicKey recovered = PublicKey.Recover(TestVectors.Hex(GethMessage), TestVectors.Hex(GethSignature));

        Assert.Equal(GethPublicKey[2..], recovered.ToHex());

        Span<byte> output = stackalloc byte[64];
        Secp256k1.Recover(TestVectors.Hex(GethMessage), TestVectors.Hex(GethSignature), output);
        Assert.Equal(GethPublicKey[2..], TestVectors.ToHex(output));
    }

    [Fact]
    public void VerifiesGethTestSignatureWithBothKeyEncodings()
    {
        byte[] message = TestVectors.Hex(GethMessage);
        byte[] signature = TestVectors.Hex(GethSignature);

        Assert.True(new PublicKey(TestVectors.Hex(GethPublicKey)).Verify(message, signature.AsSpan(0, 64)));
        Assert.True(new PublicKey(TestVectors.Hex(GethCompressedPublicKey)).Verify(message, signature));

        byte[] wrongKey = TestVectors.Hex(GethPublicKey);
        wrongKey[10]++;
        Assert.False(PublicKey.TryParse(wrongKey, out PublicKey other) && other.Verify(message, signature));

        message[0] ^= 1;
        Assert.False(new PublicKey(TestVectors.Hex(GethPublicKey)).Verify(message, signature));
    }

    [Fact]
    public void VerifyRejectsMalleableHighSSignature()
    {
        var key = new PublicKey(TestVectors.Hex(GethMalleableKey));

        Assert.False(key.Verify(TestVectors.Hex(GethMalleableMessage), TestVectors.Hex(GethMalleableSignature)));
    }

    [Fact]
    public void RecoversHandshakeAuthSignature()
    {
        // rlpx-handshake.json: the auth signature is made with the initiator's ephemeral key over
        // ECDH(initiator static, recipient static) XOR initiator nonce.
        using JsonDocument doc = TestVectors.Load("rlpx-handshake.json");
        JsonElement keys = doc.RootElement.GetProperty("keys");
        using PrivateKey initiator = PrivateKey.FromHex(keys.GetProperty("initiatorStaticPrivateKey").GetString()!);
        using PrivateKey recipient = PrivateKey.FromHex(keys.GetProperty("recipientStaticPrivateKey").GetString()!);
        byte[] nonce = TestVectors.Hex(keys.GetProperty("initiatorNonce").GetString()!);

        byte[] signed = new byte[32];
        initiator.Ecdh(recipient.PublicKey, signed);
        for (int i = 0; i < signed.Length; i++)
        {
            signed[i] ^= nonce[i];
        }

        string expectedEphemeral = doc.RootElement.GetProperty("publicKeys").GetProperty("initiatorEphemeral").GetString()!;
        int checkedMessages = 0;
        foreach (JsonElement message in doc.RootElement.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("kind").GetString() != "auth")
            {
                continue;
            }

            byte[] signature = TestVectors.Hex(message.GetProperty("expected").GetProperty("signature").GetString()!);
            Assert.True(PublicKey.TryRecover(signed, signature, out PublicKey recovered));
            Assert.Equal(expectedEphemeral, recovered.ToHex());
            checkedMessages++;
        }

        Assert.Equal(3, checkedMessages);

        // The vector's signature was not made with RFC 6979 nonces (re-signing gives a different
        // r), so only check that our signature over the same hash recovers the same key.
        using PrivateKey ephemeral = PrivateKey.FromHex(keys.GetProperty("initiatorEphemeralPrivateKey").GetString()!);
        byte[] ours = new byte[65];
        ephemeral.Sign(signed, ours);
        Assert.Equal(expectedEphemeral, PublicKey.Recover(signed, ours).ToHex());
    }

    [Fact]
    public void RecoversDiscoveryPacketSignatures()
    {
        // discv4.json: hash(32) || signature(65) || type || data; the signature is over keccak256(type || data).
        using JsonDocument doc = TestVectors.Load("discv4.json");
        string nodePublicKey = doc.RootElement.GetProperty("nodePublicKey").GetString()!;
        int count = 0;
        foreach (JsonElement packet in doc.RootElement.GetProperty("packets").EnumerateArray())
        {
            byte[] bytes = TestVectors.Hex(packet.GetProperty("packet").GetString()!);
            byte[] signedHash = Keccak(bytes.AsSpan(97));
            PublicKey recovered = PublicKey.Recover(signedHash, bytes.AsSpan(32, 65));
            Assert.Equal(nodePublicKey, recovered.ToHex());
            count++;
        }

        Assert.Equal(6, count);
    }

    [Fact]
    public void SignRecoverRoundTripsOnRandomKeys()
    {
        byte[] hash = new byte[32];
        byte[] signature = new byte[65];
        for (int i = 0; i < 40; i++)
        {
            using PrivateKey key = PrivateKey.Generate();
            RandomNumberGenerator.Fill(hash);

            key.Sign(hash, signature);

            Assert.InRange(signature[64], 0, 1);
            Assert.Equal(key.PublicKey, PublicKey.Recover(hash, signature));
            Assert.True(key.PublicKey.Verify(hash, signature));
            Assert.True(key.PublicKey.Verify(hash, signature.AsSpan(0, 64)));

            // Flipping the recovery id recovers a different key (or none), never the signer.
            signature[64] ^= 1;
            Assert.False(PublicKey.TryRecover(hash, signature, out PublicKey other) && other == key.PublicKey);
        }
    }

    [Fact]
    public void SignMatchesBouncyCastleRfc6979LowS()
    {
        byte[] hash = new byte[32];
        byte[] signature = new byte[65];
        BcBigInteger halfOrder = s_curve.N.ShiftRight(1);
        for (int i = 0; i < 10; i++)
        {
            using PrivateKey key = PrivateKey.Generate();
            byte[] secret = new byte[32];
            key.WriteTo(secret);
            RandomNumberGenerator.Fill(hash);

            key.Sign(hash, signature);

            var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
            signer.Init(true, new ECPrivateKeyParameters(new BcBigInteger(1, secret), s_domain));
            BcBigInteger[] rs = signer.GenerateSignature(hash);
            BcBigInteger s = rs[1].CompareTo(halfOrder) > 0 ? s_curve.N.Subtract(rs[1]) : rs[1];
            Assert.Equal(TestVectors.ToHex(Fixed32(rs[0])) + TestVectors.ToHex(Fixed32(s)), TestVectors.ToHex(signature.AsSpan(0, 64)));
        }
    }

    [Fact]
    public void SigningIsDeterministic()
    {
        using PrivateKey key = PrivateKey.Generate();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        byte[] first = new byte[65];
        byte[] second = new byte[65];

        key.Sign(hash, first);
        key.Sign(hash, second);

        Assert.Equal(first, second);
    }

    [Fact]
    public void EcdhIsSymmetricAndMatchesBouncyCastle()
    {
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        byte[] secretB = new byte[32];
        for (int i = 0; i < 20; i++)
        {
            using PrivateKey a = PrivateKey.Generate();
            using PrivateKey b = PrivateKey.Generate();

            a.Ecdh(b.PublicKey, ab);
            b.Ecdh(a.PublicKey, ba);

            Assert.Equal(ab, ba);
            b.WriteTo(secretB);
            Assert.Equal(BouncyCastleEcdhX(secretB, a.PublicKey), TestVectors.ToHex(ab));
        }
    }

    [Fact]
    public void EcdhOfHandshakeVectorMatchesDerivedSecret()
    {
        using JsonDocument doc = TestVectors.Load("rlpx-handshake.json");
        JsonElement keys = doc.RootElement.GetProperty("keys");
        using PrivateKey initiatorEphemeral = PrivateKey.FromHex(keys.GetProperty("initiatorEphemeralPrivateKey").GetString()!);
        using PrivateKey recipientEphemeral = PrivateKey.FromHex(keys.GetProperty("recipientEphemeralPrivateKey").GetString()!);
        byte[] shared = new byte[32];

        initiatorEphemeral.Ecdh(recipientEphemeral.PublicKey, shared);

        string expected = doc.RootElement.GetProperty("derived").GetProperty("pairs").GetProperty("auth2+ack2")
            .GetProperty("ecdheSharedSecret").GetString()!;
        Assert.Equal(expected, TestVectors.ToHex(shared));
    }

    [Fact]
    public void RejectsInvalidPrivateKeys()
    {
        byte[] order = TestVectors.Hex(GroupOrderHex);
        byte[] orderPlusOne = TestVectors.Hex(GroupOrderHex);
        orderPlusOne[31]++;
        byte[] orderMinusOne = TestVectors.Hex(GroupOrderHex);
        orderMinusOne[31]--;

        Assert.Contains("zero", Assert.Throws<ArgumentException>(() => new PrivateKey(new byte[32])).Message);
        Assert.Contains("order n", Assert.Throws<ArgumentException>(() => new PrivateKey(order)).Message);
        Assert.Contains("order n", Assert.Throws<ArgumentException>(() => new PrivateKey(orderPlusOne)).Message);
        Assert.Contains("order n", Assert.Throws<ArgumentException>(() => new PrivateKey(Enumerable.Repeat((byte)0xff, 32).ToArray())).Message);
        Assert.Throws<ArgumentException>(() => new PrivateKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => new PrivateKey(new byte[33]));
        Assert.Throws<FormatException>(() => PrivateKey.FromHex("zz" + GethPrivateKey[2..]));
        Assert.Throws<FormatException>(() => PrivateKey.FromHex(GethPrivateKey[2..]));

        // The edges of the valid range are accepted.
        using var largest = new PrivateKey(orderMinusOne);
        byte[] one = new byte[32];
        one[31] = 1;
        using var smallest = new PrivateKey(one);
        Assert.Equal(TestVectors.ToHex(s_curve.G.GetEncoded(false).AsSpan(1)), smallest.PublicKey.ToHex());
    }

    [Fact]
    public void RejectsInvalidPublicKeys()
    {
        byte[] valid = TestVectors.Hex(GethPublicKey);

        byte[] offCurve = (byte[])valid.Clone();
        offCurve[64] ^= 1;
        Assert.Contains("not a point", Assert.Throws<ArgumentException>(() => new PublicKey(offCurve)).Message);
        Assert.Contains("not a point", Assert.Throws<ArgumentException>(() => new PublicKey(offCurve.AsSpan(1))).Message);

        foreach (byte prefix in new byte[] { 0x00, 0x02, 0x03, 0x05, 0x06, 0x07 })
        {
            byte[] bad = (byte[])valid.Clone();
            bad[0] = prefix;
            Assert.Contains("0x04", Assert.Throws<ArgumentException>(() => new PublicKey(bad)).Message);
        }

        byte[] compressed = TestVectors.Hex(GethCompressedPublicKey);
        compressed[0] = 0x04;
        Assert.Contains("0x02 or 0x03", Assert.Throws<ArgumentException>(() => new PublicKey(compressed)).Message);

        foreach (int length in new[] { 0, 1, 32, 63, 66, 128 })
        {
            Assert.Contains("got " + length, Assert.Throws<ArgumentException>(() => new PublicKey(new byte[length])).Message);
        }

        // x >= p is not a field element even when the bytes otherwise look fine.
        byte[] bigX = TestVectors.Hex(FieldPrimeHex).Concat(valid.AsSpan(33).ToArray()).ToArray();
        Assert.False(PublicKey.TryParse(bigX, out _));

        // A compressed x for which x^3 + 7 is not a square has no point.
        byte[] noSquareRoot = new byte[33];
        noSquareRoot[0] = 0x02;
        CompressedXWithoutPoint().CopyTo(noSquareRoot.AsSpan(1));
        Assert.False(PublicKey.TryParse(noSquareRoot, out _));

        Assert.False(PublicKey.TryParse(new byte[64], out _));
        Assert.Throws<FormatException>(() => PublicKey.FromHex("04" + new string('0', 128)));
        Assert.Throws<FormatException>(() => PublicKey.FromHex("xyz"));
    }

    [Fact]
    public void DefaultPublicKeyIsRejectedByOperations()
    {
        using PrivateKey key = PrivateKey.Generate();
        PublicKey none = default;

        Assert.Throws<ArgumentException>(() => key.Ecdh(none, new byte[32]));
        Assert.Throws<ArgumentException>(() => none.Verify(new byte[32], new byte[64]));
        Assert.Throws<ArgumentException>(() => none.WriteCompressed(new byte[33]));
    }

    [Fact]
    public void RecoverRejectsBadSignatures()
    {
        byte[] hash = TestVectors.Hex(GethMessage);
        byte[] output = new byte[64];

        byte[] badId = TestVectors.Hex(GethSignature);
        badId[64] = 4;
        Assert.Contains("recovery id", Assert.Throws<ArgumentException>(() => Secp256k1.Recover(hash, badId, output)).Message);
        Assert.False(Secp256k1.TryRecover(hash, badId, output));

        byte[] rTooBig = TestVectors.Hex(GethSignature);
        TestVectors.Hex(GroupOrderHex).CopyTo(rTooBig, 0);
        Assert.Contains("group order", Assert.Throws<ArgumentException>(() => Secp256k1.Recover(hash, rTooBig, output)).Message);

        byte[] zeroR = TestVectors.Hex(GethSignature);
        Array.Clear(zeroR, 0, 32);
        Assert.False(PublicKey.TryRecover(hash, zeroR, out _));
        Assert.Contains("No public key", Assert.Throws<ArgumentException>(() => PublicKey.Recover(hash, zeroR)).Message);

        Assert.Throws<ArgumentException>(() => Secp256k1.TryRecover(hash, new byte[64], output));
        Assert.Throws<ArgumentException>(() => Secp256k1.TryRecover(new byte[31], TestVectors.Hex(GethSignature), output));
        Assert.Throws<ArgumentException>(() => Secp256k1.TryRecover(hash, TestVectors.Hex(GethSignature), new byte[63]));
    }

    [Fact]
    public void CompressedEncodingRoundTrips()
    {
        var key = new PublicKey(TestVectors.Hex(GethPublicKey));
        byte[] compressed = new byte[33];
        key.WriteCompressed(compressed);
        Assert.Equal(GethCompressedPublicKey, TestVectors.ToHex(compressed));
        Assert.Equal(key, new PublicKey(compressed));

        for (int i = 0; i < 20; i++)
        {
            using PrivateKey random = PrivateKey.Generate();
            random.PublicKey.WriteCompressed(compressed);
            Assert.Equal(random.PublicKey, new PublicKey(compressed));
        }
    }

    [Fact]
    public void HexAndEqualityBehave()
    {
        var key = new PublicKey(TestVectors.Hex(GethPublicKey));

        Assert.Equal(GethPublicKey[2..], key.ToString());
        Assert.Equal(key, PublicKey.FromHex(GethPublicKey[2..]));
        Assert.Equal(key, PublicKey.FromHex("0x" + GethPublicKey));
        Assert.Equal(key, PublicKey.FromHex(GethCompressedPublicKey));
        Assert.True(key == PublicKey.FromHex(GethPublicKey));
        Assert.Equal(key.GetHashCode(), PublicKey.FromHex(GethPublicKey).GetHashCode());
        Assert.True(key.Equals((object)PublicKey.FromHex(GethPublicKey)));

        using PrivateKey other = PrivateKey.Generate();
        Assert.True(key != other.PublicKey);
        Assert.False(key.Equals((object?)null));

        var set = new HashSet<PublicKey> { key, PublicKey.FromHex(GethPublicKey), other.PublicKey };
        Assert.Equal(2, set.Count);

        byte[] written = new byte[64];
        key.WriteTo(written);
        Assert.Equal(GethPublicKey[2..], TestVectors.ToHex(written));
        Assert.Throws<ArgumentException>(() => key.WriteTo(new byte[63]));
    }

    [Fact]
    public void PrivateKeyWritesSecretAndZeroesItOnDispose()
    {
        var key = PrivateKey.FromHex("0x" + GethPrivateKey);
        byte[] written = new byte[32];
        key.WriteTo(written);
        Assert.Equal(GethPrivateKey, TestVectors.ToHex(written));
        PublicKey publicKey = key.PublicKey;

        key.Dispose();

        byte[] storage = (byte[])typeof(PrivateKey)
            .GetField("_secret", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(key)!;
        Assert.All(storage, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => key.WriteTo(written));
        Assert.Throws<ObjectDisposedException>(() => key.Sign(new byte[32], new byte[65]));
        Assert.Throws<ObjectDisposedException>(() => key.Ecdh(publicKey, new byte[32]));
        Assert.Equal(publicKey, key.PublicKey);
    }

    [Fact]
    public void GeneratedKeysAreDistinctAndValid()
    {
        var seen = new HashSet<PublicKey>();
        for (int i = 0; i < 50; i++)
        {
            using PrivateKey key = PrivateKey.Generate();
            Assert.True(seen.Add(key.PublicKey));
            byte[] secret = new byte[32];
            key.WriteTo(secret);
            Assert.Equal(BouncyCastlePublicKey(secret), key.PublicKey.ToHex());
        }
    }

    [Fact]
    public void OperationsAreSafeAcrossThreads()
    {
        using PrivateKey shared = PrivateKey.Generate();
        Parallel.For(0, 8, _ =>
        {
            byte[] hash = new byte[32];
            byte[] signature = new byte[65];
            byte[] x1 = new byte[32];
            byte[] x2 = new byte[32];
            for (int i = 0; i < 50; i++)
            {
                using PrivateKey mine = PrivateKey.Generate();
                RandomNumberGenerator.Fill(hash);
                shared.Sign(hash, signature);
                Assert.Equal(shared.PublicKey, PublicKey.Recover(hash, signature));
                mine.Ecdh(shared.PublicKey, x1);
                shared.Ecdh(mine.PublicKey, x2);
                Assert.Equal(x1, x2);
            }
        });
    }

    [Fact]
    public void MissingLibraryMessageSaysHowToInstall()
    {
        string message = NativeLibraryMissingException.BuildMessage(["libsecp256k1.so.1", "libsecp256k1.so"], null);

        Assert.Contains("apt-get install -y libsecp256k1-1", message);
        Assert.Contains("brew install secp256k1", message);
        Assert.Contains("libsecp256k1.so.1, libsecp256k1.so", message);
        Assert.DoesNotContain("built without", message);

        string partial = NativeLibraryMissingException.BuildMessage(["libsecp256k1.so"], "libsecp256k1.so");
        Assert.Contains("'libsecp256k1.so' loaded but was built without the ecdh or recovery module", partial);

        DllNotFoundException asBase = new NativeLibraryMissingException();
        Assert.Contains("apt-get install -y libsecp256k1-1", asBase.Message);
    }

    [Fact]
    public void SignRecoverEcdhParseVerifyAllocateNothing()
    {
        using PrivateKey a = PrivateKey.Generate();
        using PrivateKey b = PrivateKey.Generate();
        byte[] hash = RandomNumberGenerator.GetBytes(32);
        byte[] signature = new byte[65];
        byte[] shared = new byte[32];
        byte[] recovered = new byte[64];
        byte[] encoded = new byte[64];
        byte[] compressed = new byte[33];
        b.PublicKey.WriteTo(encoded);

        void RunAll()
        {
            a.Sign(hash, signature);
            Secp256k1.Recover(hash, signature, recovered);
            _ = PublicKey.Recover(hash, signature);
            a.Ecdh(b.PublicKey, shared);
            _ = new PublicKey(encoded);
            _ = PublicKey.TryParse(encoded, out _);
            _ = a.PublicKey.Verify(hash, signature);
            a.PublicKey.WriteCompressed(compressed);
            _ = a.PublicKey.GetHashCode();
            _ = a.PublicKey.Equals(b.PublicKey);
        }

        for (int i = 0; i < 20; i++)
        {
            RunAll();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RunAll();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static byte[] Keccak(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        byte[] input = data.ToArray();
        digest.BlockUpdate(input, 0, input.Length);
        byte[] output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static string BouncyCastlePublicKey(byte[] secret)
    {
        BcPoint point = s_curve.G.Multiply(new BcBigInteger(1, secret)).Normalize();
        return TestVectors.ToHex(point.GetEncoded(false).AsSpan(1));
    }

    private static string BouncyCastleEcdhX(byte[] secret, PublicKey remote)
    {
        byte[] encoded = new byte[65];
        encoded[0] = 0x04;
        remote.WriteTo(encoded.AsSpan(1));
        BcPoint shared = s_curve.Curve.DecodePoint(encoded).Multiply(new BcBigInteger(1, secret)).Normalize();
        return TestVectors.ToHex(shared.AffineXCoord.GetEncoded());
    }

    private static byte[] Fixed32(BcBigInteger value)
    {
        byte[] unsigned = value.ToByteArrayUnsigned();
        byte[] result = new byte[32];
        unsigned.CopyTo(result, 32 - unsigned.Length);
        return result;
    }

    /// <summary>The smallest x in 1.. for which x^3 + 7 is a quadratic non-residue mod p (Euler's criterion).</summary>
    private static byte[] CompressedXWithoutPoint()
    {
        BigInteger p = BigInteger.Parse("0" + FieldPrimeHex, System.Globalization.NumberStyles.HexNumber);
        for (BigInteger x = 1; ; x++)
        {
            BigInteger rhs = (BigInteger.Pow(x, 3) + 7) % p;
            if (BigInteger.ModPow(rhs, (p - 1) / 2, p) == p - 1)
            {
                byte[] bytes = x.ToByteArray(isUnsigned: true, isBigEndian: true);
                byte[] result = new byte[32];
                bytes.CopyTo(result, 32 - bytes.Length);
                return result;
            }
        }
    }
}
