using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Devp2p.Tests;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Devp2p.Crypto.Tests;

/// <summary>
/// ECIES as RLPx uses it: the EIP-8 handshake packets, round trips, a deterministic encryption
/// rebuilt step by step with BouncyCastle, and every way a message can be corrupted.
/// </summary>
public sealed class EciesTests
{
    private static readonly X9ECParameters s_curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256k1");

    public static TheoryData<string> MessageNames => new() { "auth1", "auth2", "auth3", "ack1", "ack2", "ack3" };

    [Fact]
    public void OverheadIs113()
    {
        Assert.Equal(113, Ecies.Overhead);
        Assert.Equal(113 + 200, Ecies.GetCiphertextLength(200));
        Assert.Equal(200, Ecies.GetPlaintextLength(313));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecies.GetCiphertextLength(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecies.GetCiphertextLength(int.MaxValue - 112));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecies.GetPlaintextLength(112));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void HandshakeVectorDecrypts(string name)
    {
        using JsonDocument doc = TestVectors.Load("rlpx-handshake.json");
        JsonElement message = FindMessage(doc, name);
        byte[] packet = TestVectors.Hex(message.GetProperty("packet").GetString()!);
        using PrivateKey key = PrivateKey.FromHex(
            doc.RootElement.GetProperty("keys").GetProperty(message.GetProperty("decryptWith").GetString()!).GetString()!);
        (byte[] prefix, byte[] ciphertext) = SplitPacket(message, packet);

        byte[] plaintext = new byte[ciphertext.Length - Ecies.Overhead];
        int written = Ecies.Decrypt(key, ciphertext, prefix, plaintext);

        Assert.Equal(plaintext.Length, written);
        Assert.Equal(
            doc.RootElement.GetProperty("derived").GetProperty("decryptedPlaintexts").GetProperty(name).GetString(),
            TestVectors.ToHex(plaintext));

        // The fields the source itself states (not derived) must appear in the plaintext.
        JsonElement expected = message.GetProperty("expected");
        foreach (string field in new[] { "signature", "initiatorPublicKey", "initiatorNonce", "recipientEphemeralPublicKey", "recipientNonce" })
        {
            if (expected.TryGetProperty(field, out JsonElement value))
            {
                Assert.True(
                    plaintext.AsSpan().IndexOf(TestVectors.Hex(value.GetString()!)) >= 0,
                    $"{name}: {field} not found in the decrypted plaintext");
            }
        }
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void HandshakeVectorNeedsTheRightSharedMacData(string name)
    {
        using JsonDocument doc = TestVectors.Load("rlpx-handshake.json");
        JsonElement message = FindMessage(doc, name);
        byte[] packet = TestVectors.Hex(message.GetProperty("packet").GetString()!);
        using PrivateKey key = PrivateKey.FromHex(
            doc.RootElement.GetProperty("keys").GetProperty(message.GetProperty("decryptWith").GetString()!).GetString()!);
        (byte[] prefix, byte[] ciphertext) = SplitPacket(message, packet);
        byte[] wrongMacData = prefix.Length == 0 ? [0x01, 0x33] : [];
        byte[] plaintext = new byte[ciphertext.Length];

        EciesException error = Assert.Throws<EciesException>(() => Ecies.Decrypt(key, ciphertext, wrongMacData, plaintext));

        Assert.Contains("tag does not match", error.Message);
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    [Fact]
    public void RoundTripsRandomSizesAndSharedMacData()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        var random = new Random(20240611);
        foreach (int size in new[] { 0, 1, 15, 16, 17, 200, 307, 1023, 1024, 2000, 70_000 })
        {
            foreach (int macSize in new[] { 0, 2, 31, 1500 })
            {
                byte[] plaintext = new byte[size];
                byte[] macData = new byte[macSize];
                random.NextBytes(plaintext);
                random.NextBytes(macData);
                byte[] ciphertext = new byte[Ecies.GetCiphertextLength(size)];

                Assert.Equal(ciphertext.Length, Ecies.Encrypt(recipient.PublicKey, plaintext, macData, ciphertext));

                Assert.Equal(0x04, ciphertext[0]);
                byte[] decrypted = new byte[size];
                Assert.Equal(size, Ecies.Decrypt(recipient, ciphertext, macData, decrypted));
                Assert.Equal(plaintext, decrypted);
            }
        }
    }

    [Fact]
    public void EncryptionIsRandomized()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] plaintext = new byte[40];
        byte[] first = new byte[Ecies.GetCiphertextLength(40)];
        byte[] second = new byte[first.Length];

        Ecies.Encrypt(recipient.PublicKey, plaintext, [], first);
        Ecies.Encrypt(recipient.PublicKey, plaintext, [], second);

        Assert.NotEqual(first.AsSpan(0, 65).ToArray(), second.AsSpan(0, 65).ToArray());
        Assert.NotEqual(first.AsSpan(65, 16).ToArray(), second.AsSpan(65, 16).ToArray());
    }

    [Fact]
    public void DeterministicEncryptionMatchesBouncyCastleConstruction()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        using PrivateKey ephemeral = PrivateKey.Generate();
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] plaintext = RandomNumberGenerator.GetBytes(200);
        byte[] macData = [0x01, 0x2b];
        byte[] ours = new byte[Ecies.GetCiphertextLength(plaintext.Length)];

        Ecies.Encrypt(recipient.PublicKey, plaintext, macData, ours, ephemeral, iv);

        byte[] ephemeralSecret = new byte[32];
        ephemeral.WriteTo(ephemeralSecret);
        byte[] expected = BouncyCastleEncrypt(recipient.PublicKey, ephemeralSecret, iv, plaintext, macData);
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(ours));

        byte[] decrypted = new byte[plaintext.Length];
        Ecies.Decrypt(recipient, ours, macData, decrypted);
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void ReadyEphemeralKeyMatchesBouncyCastleAndTheIvIsFresh()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        using PrivateKey ephemeral = PrivateKey.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(120);
        byte[] macData = [0x00, 0xeb];
        byte[] first = new byte[Ecies.GetCiphertextLength(plaintext.Length)];
        byte[] second = new byte[first.Length];

        Assert.Equal(first.Length, Ecies.Encrypt(recipient.PublicKey, ephemeral, plaintext, macData, first));
        Ecies.Encrypt(recipient.PublicKey, ephemeral, plaintext, macData, second);

        // The wire carries the given key's public half, and the rest is the standard construction
        // under the IV that was drawn.
        byte[] publicKey = new byte[64];
        ephemeral.PublicKey.WriteTo(publicKey);
        Assert.Equal(0x04, first[0]);
        Assert.Equal(publicKey, first.AsSpan(1, 64).ToArray());
        byte[] ephemeralSecret = new byte[32];
        ephemeral.WriteTo(ephemeralSecret);
        byte[] expected = BouncyCastleEncrypt(recipient.PublicKey, ephemeralSecret, first.AsSpan(65, 16).ToArray(), plaintext, macData);
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(first));
        Assert.NotEqual(first.AsSpan(65, 16).ToArray(), second.AsSpan(65, 16).ToArray());

        byte[] decrypted = new byte[plaintext.Length];
        Ecies.Decrypt(recipient, second, macData, decrypted);
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void ReadyEphemeralKeyMisuseIsRejected()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        PrivateKey disposed = PrivateKey.Generate();
        disposed.Dispose();
        byte[] destination = new byte[Ecies.GetCiphertextLength(10)];

        Assert.Throws<ArgumentNullException>(() => Ecies.Encrypt(recipient.PublicKey, null!, new byte[10], [], destination));
        Assert.Throws<ObjectDisposedException>(() => Ecies.Encrypt(recipient.PublicKey, disposed, new byte[10], [], destination));
        using PrivateKey ephemeral = PrivateKey.Generate();
        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(recipient.PublicKey, ephemeral, new byte[10], [], destination.AsSpan(1)));
    }

    [Fact]
    public void EncryptsAndDecryptsInPlace()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(300);
        byte[] buffer = new byte[Ecies.GetCiphertextLength(plaintext.Length)];
        plaintext.CopyTo(buffer, 81);

        Ecies.Encrypt(recipient.PublicKey, buffer.AsSpan(81, plaintext.Length), [0x01, 0x9d], buffer);

        Assert.NotEqual(plaintext, buffer.AsSpan(81, plaintext.Length).ToArray());
        int length = Ecies.Decrypt(recipient, buffer, [0x01, 0x9d], buffer.AsSpan(81));
        Assert.Equal(plaintext, buffer.AsSpan(81, length).ToArray());
    }

    [Fact]
    public void RejectsOverlappingBuffersOtherThanInPlace()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] buffer = new byte[Ecies.GetCiphertextLength(50) + 10];

        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(recipient.PublicKey, buffer.AsSpan(0, 50), [], buffer));
        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(recipient.PublicKey, buffer.AsSpan(82, 50), [], buffer));

        int length = Ecies.Encrypt(recipient.PublicKey, new byte[50], [], buffer);
        Assert.Throws<ArgumentException>(() => Ecies.Decrypt(recipient, buffer.AsSpan(0, length), [], buffer.AsSpan(80)));
    }

    [Fact]
    public void EveryTamperedByteIsRejected()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] plaintext = "hello"u8.ToArray();
        byte[] macData = [0x00, 0x76];
        byte[] ciphertext = new byte[Ecies.GetCiphertextLength(plaintext.Length)];
        Ecies.Encrypt(recipient.PublicKey, plaintext, macData, ciphertext);
        byte[] output = new byte[plaintext.Length];

        for (int position = 0; position < ciphertext.Length; position++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80 })
            {
                byte[] tampered = (byte[])ciphertext.Clone();
                tampered[position] ^= flip;

                EciesException error = Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, tampered, macData, output));

                string expectedReason = position switch
                {
                    0 => "must start with 0x04",
                    < 65 => "ephemeral public key", // usually off the curve; a valid point then fails the tag
                    _ => "tag does not match",
                };
                if (position is 0 or >= 65)
                {
                    Assert.Contains(expectedReason, error.Message);
                }
                else
                {
                    Assert.True(
                        error.Message.Contains(expectedReason, StringComparison.Ordinal) || error.Message.Contains("tag does not match", StringComparison.Ordinal),
                        error.Message);
                }
            }
        }

        Assert.All(output, b => Assert.Equal(0, b));
        Assert.Equal(plaintext.Length, Ecies.Decrypt(recipient, ciphertext, macData, output));
        Assert.Equal(plaintext, output);
    }

    [Fact]
    public void TruncatedMessagesAreRejected()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] ciphertext = new byte[Ecies.GetCiphertextLength(20)];
        Ecies.Encrypt(recipient.PublicKey, new byte[20], [], ciphertext);
        byte[] output = new byte[ciphertext.Length];

        for (int length = 0; length < Ecies.Overhead; length++)
        {
            EciesException error = Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, ciphertext.AsSpan(0, length), [], output));
            Assert.Contains($"is {length} bytes, shorter than the 113-byte minimum", error.Message);
        }

        for (int length = Ecies.Overhead; length < ciphertext.Length; length++)
        {
            EciesException error = Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, ciphertext.AsSpan(0, length), [], output));
            Assert.Contains("tag does not match", error.Message);
        }
    }

    [Fact]
    public void WrongKeyIsRejected()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        using PrivateKey someoneElse = PrivateKey.Generate();
        byte[] ciphertext = new byte[Ecies.GetCiphertextLength(64)];
        Ecies.Encrypt(recipient.PublicKey, new byte[64], [], ciphertext);

        EciesException error = Assert.Throws<EciesException>(() => Ecies.Decrypt(someoneElse, ciphertext, [], new byte[64]));

        Assert.Contains("different key", error.Message);
    }

    [Fact]
    public void BadEphemeralKeyIsRejected()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] ciphertext = new byte[Ecies.GetCiphertextLength(10)];
        Ecies.Encrypt(recipient.PublicKey, new byte[10], [], ciphertext);

        byte[] offCurve = (byte[])ciphertext.Clone();
        offCurve[64] ^= 0x01;
        Assert.Contains("not a point on secp256k1", Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, offCurve, [], new byte[10])).Message);

        byte[] compressedPrefix = (byte[])ciphertext.Clone();
        compressedPrefix[0] = 0x02;
        Assert.Contains("got 0x02", Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, compressedPrefix, [], new byte[10])).Message);

        byte[] zeroKey = (byte[])ciphertext.Clone();
        Array.Clear(zeroKey, 1, 64);
        Assert.Throws<EciesException>(() => Ecies.Decrypt(recipient, zeroKey, [], new byte[10]));
    }

    [Fact]
    public void MisuseIsAnArgumentError()
    {
        using PrivateKey recipient = PrivateKey.Generate();
        byte[] ciphertext = new byte[Ecies.GetCiphertextLength(10)];

        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(recipient.PublicKey, new byte[10], [], new byte[ciphertext.Length - 1]));
        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(default, new byte[10], [], ciphertext));
        Ecies.Encrypt(recipient.PublicKey, new byte[10], [], ciphertext);
        Assert.Throws<ArgumentException>(() => Ecies.Decrypt(recipient, ciphertext, [], new byte[9]));

        using PrivateKey ephemeral = PrivateKey.Generate();
        Assert.Throws<ArgumentException>(() => Ecies.Encrypt(recipient.PublicKey, new byte[10], [], ciphertext, ephemeral, new byte[15]));

        var disposed = PrivateKey.Generate();
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Ecies.Decrypt(disposed, ciphertext, [], new byte[10]));
    }

    private static JsonElement FindMessage(JsonDocument doc, string name) =>
        doc.RootElement.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);

    /// <summary>EIP-8 packets carry a 2-byte big-endian size prefix that is also the shared MAC data.</summary>
    private static (byte[] Prefix, byte[] Ciphertext) SplitPacket(JsonElement message, byte[] packet)
    {
        if (message.GetProperty("format").GetString() == "legacy")
        {
            return ([], packet);
        }

        int size = BinaryPrimitives.ReadUInt16BigEndian(packet);
        Assert.Equal(message.GetProperty("expected").GetProperty("sizePrefix").GetInt32(), size);
        Assert.Equal(packet.Length - 2, size);
        return (packet[..2], packet[2..]);
    }

    /// <summary>
    /// The RLPx ECIES construction from first principles with BouncyCastle: R = r·G,
    /// z = x(r·K), k = SHA-256(00000001 || z), c = AES-128-CTR(k[..16], iv, m),
    /// tag = HMAC-SHA-256(SHA-256(k[16..]), iv || c || macData).
    /// </summary>
    private static byte[] BouncyCastleEncrypt(PublicKey recipient, byte[] ephemeralSecret, byte[] iv, byte[] plaintext, byte[] macData)
    {
        var r = new BcBigInteger(1, ephemeralSecret);
        byte[] ephemeralPoint = s_curve.G.Multiply(r).Normalize().GetEncoded(false);
        byte[] recipientEncoded = new byte[65];
        recipientEncoded[0] = 0x04;
        recipient.WriteTo(recipientEncoded.AsSpan(1));
        byte[] z = s_curve.Curve.DecodePoint(recipientEncoded).Multiply(r).Normalize().AffineXCoord.GetEncoded();

        byte[] k = Sha256([0, 0, 0, 1, .. z]);
        byte[] macKey = Sha256(k[16..]);

        var ctr = new SicBlockCipher(new AesEngine());
        ctr.Init(true, new ParametersWithIV(new KeyParameter(k[..16]), iv));
        int blocks = (plaintext.Length + 15) / 16;
        byte[] padded = new byte[blocks * 16];
        plaintext.CopyTo(padded, 0);
        byte[] keystreamed = new byte[padded.Length];
        for (int i = 0; i < blocks; i++)
        {
            ctr.ProcessBlock(padded, i * 16, keystreamed, i * 16);
        }

        byte[] body = keystreamed[..plaintext.Length];
        var hmac = new HMac(new Sha256Digest());
        hmac.Init(new KeyParameter(macKey));
        hmac.BlockUpdate(iv, 0, iv.Length);
        hmac.BlockUpdate(body, 0, body.Length);
        hmac.BlockUpdate(macData, 0, macData.Length);
        byte[] tag = new byte[32];
        hmac.DoFinal(tag, 0);

        return [.. ephemeralPoint, .. iv, .. body, .. tag];
    }

    private static byte[] Sha256(byte[] data)
    {
        var digest = new Sha256Digest();
        digest.BlockUpdate(data, 0, data.Length);
        byte[] output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }
}
