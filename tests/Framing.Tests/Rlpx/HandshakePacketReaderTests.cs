using System.Buffers.Binary;
using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// Every EIP-8 vector packet decrypts and decodes to the fields go-ethereum's tests expect, and the
/// reader frames packets correctly from partial input, in both formats, including the ambiguous case.
/// </summary>
public sealed class HandshakePacketReaderTests
{
    private static HandshakeVectors Vectors => HandshakeVectors.Instance;

    [Theory]
    [MemberData(nameof(HandshakeVectors.MessageNames), MemberType = typeof(HandshakeVectors))]
    public void VectorPacket_DecryptsToTheVectorPlaintext(string name)
    {
        JsonElement message = Vectors.Message(name);
        byte[] packet = Vectors.Packet(name);
        bool isAuth = message.GetProperty("kind").GetString() == "auth";
        bool isLegacy = message.GetProperty("format").GetString() == "legacy";
        using PrivateKey key = isAuth ? Vectors.NewRecipientStaticKey() : Vectors.NewInitiatorStaticKey();

        byte[] body = Decrypt(key, packet, isAuth, out int packetLength, out HandshakeFormat format);

        Assert.Equal(message.GetProperty("packetLength").GetInt32(), packet.Length);
        Assert.Equal(packet.Length, packetLength);
        Assert.Equal(isLegacy ? HandshakeFormat.Legacy : HandshakeFormat.Eip8, format);
        Assert.Equal(TestVectors.ToHex(Vectors.Plaintext(name)), TestVectors.ToHex(body));
        if (!isLegacy)
        {
            int sizePrefix = message.GetProperty("expected").GetProperty("sizePrefix").GetInt32();
            Assert.Equal(sizePrefix, BinaryPrimitives.ReadUInt16BigEndian(packet));
            Assert.Equal(packet.Length - 2, sizePrefix);
        }
    }

    [Theory]
    [InlineData("auth1")]
    [InlineData("auth2")]
    [InlineData("auth3")]
    public void AuthVector_DecodesToExpectedFields(string name)
    {
        JsonElement expected = Vectors.Message(name).GetProperty("expected");
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        byte[] body = Decrypt(key, Vectors.Packet(name), isAuth: true, out _, out HandshakeFormat format);

        AuthMessage auth = AuthMessage.Decode(body, format);

        Assert.Equal(expected.GetProperty("signature").GetString(), TestVectors.ToHex(auth.Signature));
        Assert.Equal(expected.GetProperty("initiatorPublicKey").GetString(), auth.InitiatorPublicKey.ToHex());
        Assert.Equal(Vectors.PublicKeys.GetProperty("initiatorStatic").GetString(), auth.InitiatorPublicKey.ToHex());
        Assert.Equal(expected.GetProperty("initiatorNonce").GetString(), TestVectors.ToHex(auth.Nonce));
        Assert.Equal(expected.GetProperty("version").GetUInt64(), auth.Version);
        if (format == HandshakeFormat.Legacy)
        {
            Assert.Equal(expected.GetProperty("ephemeralPublicKeyHash").GetString(), TestVectors.ToHex(auth.EphemeralPublicKeyHash));
            Assert.Equal(expected.GetProperty("tokenFlag").GetInt32(), auth.TokenFlag);
            Assert.Empty(auth.ExtraElements);
        }
        else
        {
            Assert.Null(auth.EphemeralPublicKeyHash);
            AssertExtraElements(expected, auth.ExtraElements);
        }
    }

    [Theory]
    [InlineData("ack1")]
    [InlineData("ack2")]
    [InlineData("ack3")]
    public void AckVector_DecodesToExpectedFields(string name)
    {
        JsonElement expected = Vectors.Message(name).GetProperty("expected");
        using PrivateKey key = Vectors.NewInitiatorStaticKey();
        byte[] body = Decrypt(key, Vectors.Packet(name), isAuth: false, out _, out HandshakeFormat format);

        AckMessage ack = AckMessage.Decode(body, format);

        Assert.Equal(expected.GetProperty("recipientEphemeralPublicKey").GetString(), ack.RecipientEphemeralPublicKey.ToHex());
        Assert.Equal(expected.GetProperty("recipientNonce").GetString(), TestVectors.ToHex(ack.Nonce));
        Assert.Equal(expected.GetProperty("version").GetUInt64(), ack.Version);
        if (format == HandshakeFormat.Legacy)
        {
            Assert.Equal(expected.GetProperty("tokenFlag").GetInt32(), ack.TokenFlag);
            Assert.Empty(ack.ExtraElements);
        }
        else
        {
            AssertExtraElements(expected, ack.ExtraElements);
        }
    }

    [Theory]
    [InlineData("auth1")]
    [InlineData("auth2")]
    [InlineData("ack1")]
    [InlineData("ack3")]
    public void TruncatedPacket_NeedsMoreUntilComplete(string name)
    {
        byte[] packet = Vectors.Packet(name);
        bool isAuth = name.StartsWith("auth", StringComparison.Ordinal);
        using PrivateKey key = isAuth ? Vectors.NewRecipientStaticKey() : Vectors.NewInitiatorStaticKey();
        var reader = new HandshakePacketReader(isAuth ? HandshakePacket.LegacyAuthPacketLength : HandshakePacket.LegacyAckPacketLength);
        byte[] body = new byte[HandshakePacket.MaxBodyLength];

        for (int length = 0; length < packet.Length; length++)
        {
            Assert.False(reader.TryDecrypt(key, packet.AsSpan(0, length), body, out int partialLength, out _, out _), $"{length} bytes");
            Assert.Equal(0, partialLength);
        }

        // Trailing bytes (the peer's first frame) must not be read as part of the packet.
        byte[] withTrailer = [.. packet, 0xAA, 0xBB, 0xCC];
        Assert.True(reader.TryDecrypt(key, withTrailer, body, out int packetLength, out int bodyLength, out _));
        Assert.Equal(packet.Length, packetLength);
        Assert.Equal(Vectors.Plaintext(name), body[..bodyLength]);
    }

    [Fact]
    public void Eip8PacketStartingWith04_FallsBackFromLegacyAndIsRead()
    {
        // A ciphertext of 1024-1279 bytes puts 0x04 in the first byte, as a legacy packet has.
        using PrivateKey recipient = Vectors.NewRecipientStaticKey();
        byte[] body = new byte[1024 - Ecies.Overhead + 7];
        body[0] = 0xC0;
        byte[] packet = SealEip8(recipient.PublicKey, body);
        Assert.Equal(0x04, packet[0]);
        Assert.Equal(0x04, packet[2]);

        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        byte[] decrypted = new byte[HandshakePacket.MaxBodyLength];
        for (int length = 0; length < packet.Length; length += 13)
        {
            Assert.False(reader.TryDecrypt(recipient, packet.AsSpan(0, length), decrypted, out _, out _, out _), $"{length} bytes");
        }

        Assert.True(reader.TryDecrypt(recipient, packet, decrypted, out int packetLength, out int bodyLength, out HandshakeFormat format));
        Assert.Equal(HandshakeFormat.Eip8, format);
        Assert.Equal(packet.Length, packetLength);
        Assert.Equal(body, decrypted[..bodyLength]);
    }

    [Fact]
    public void LegacyPacketWhoseThirdByteIs04_IsReadAsLegacy()
    {
        using PrivateKey recipient = Vectors.NewRecipientStaticKey();
        byte[] body = Vectors.Plaintext("auth1");
        byte[] packet = new byte[HandshakePacket.LegacyAuthPacketLength];

        // The third byte is the ECIES ephemeral key's second x byte: about 1 in 256 packets.
        int attempts = 0;
        do
        {
            Ecies.Encrypt(recipient.PublicKey, body, default, packet);
            attempts++;
        }
        while (packet[2] != 0x04 && attempts < 20_000);
        Assert.Equal(0x04, packet[2]);

        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        byte[] decrypted = new byte[HandshakePacket.MaxBodyLength];
        Assert.True(reader.TryDecrypt(recipient, packet, decrypted, out int packetLength, out int bodyLength, out HandshakeFormat format));
        Assert.Equal(HandshakeFormat.Legacy, format);
        Assert.Equal(packet.Length, packetLength);
        Assert.Equal(body, decrypted[..bodyLength]);
    }

    [Fact]
    public void SizePrefixAboveLimit_IsRejectedFromTheFirstTwoBytes()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        byte[] body = new byte[HandshakePacket.MaxBodyLength];
        ushort[] sizes = [HandshakePacket.MaxPacketLength - 1, HandshakePacket.MaxPacketLength, 0x0900, 0xFFFF];
        foreach (ushort size in sizes)
        {
            byte[] prefix = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(prefix, size);
            HandshakeException ex = Assert.Throws<HandshakeException>(() => reader.TryDecrypt(key, prefix, body, out _, out _, out _));
            Assert.Equal("size-prefix", ex.Field);
            Assert.Contains(size.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PacketOfExactlyTheLimit_IsAccepted()
    {
        using PrivateKey recipient = Vectors.NewRecipientStaticKey();
        byte[] body = new byte[HandshakePacket.MaxPacketLength - 2 - Ecies.Overhead];
        body[0] = 0xC0;
        byte[] packet = SealEip8(recipient.PublicKey, body);
        Assert.Equal(HandshakePacket.MaxPacketLength, packet.Length);

        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        byte[] decrypted = new byte[HandshakePacket.MaxBodyLength];
        Assert.True(reader.TryDecrypt(recipient, packet, decrypted, out int packetLength, out _, out _));
        Assert.Equal(HandshakePacket.MaxPacketLength, packetLength);
    }

    [Fact]
    public void SizePrefixBelowEciesOverhead_IsRejected()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        HandshakeException ex = Assert.Throws<HandshakeException>(
            () => reader.TryDecrypt(key, [0x00, 0x20, 0x04], new byte[HandshakePacket.MaxBodyLength], out _, out _, out _));
        Assert.Equal("size-prefix", ex.Field);
    }

    [Fact]
    public void Garbage_IsRejectedWithHandshakeExceptionOnly()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        var random = new Random(20240611);
        byte[] body = new byte[HandshakePacket.MaxBodyLength];
        for (int i = 0; i < 300; i++)
        {
            byte[] garbage = new byte[HandshakePacket.MaxPacketLength + 2];
            random.NextBytes(garbage);

            // Steer a third of the cases into each branch: legacy-looking, EIP-8-looking, anything.
            if (i % 3 == 0)
            {
                garbage[0] = 0x04;
            }
            else if (i % 3 == 1)
            {
                garbage[0] = (byte)random.Next(0, 8);
                garbage[2] = 0x04;
            }

            var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
            Assert.Throws<HandshakeException>(() => reader.TryDecrypt(key, garbage, body, out _, out _, out _));
        }
    }

    [Fact]
    public void BadEciesTag_IsRejectedAsEcies()
    {
        foreach (string name in new[] { "auth1", "auth2" })
        {
            using PrivateKey key = Vectors.NewRecipientStaticKey();
            byte[] packet = Vectors.Packet(name);
            packet[^1] ^= 0x01;
            var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
            HandshakeException ex = Assert.Throws<HandshakeException>(
                () => reader.TryDecrypt(key, packet, new byte[HandshakePacket.MaxBodyLength], out _, out _, out _));
            Assert.Equal("ecies", ex.Field);
            Assert.IsType<EciesException>(ex.InnerException);
        }
    }

    [Fact]
    public void PacketForAnotherKey_IsRejectedAsEcies()
    {
        using PrivateKey wrongKey = Vectors.NewInitiatorStaticKey();
        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        HandshakeException ex = Assert.Throws<HandshakeException>(
            () => reader.TryDecrypt(wrongKey, Vectors.Packet("auth2"), new byte[HandshakePacket.MaxBodyLength], out _, out _, out _));
        Assert.Equal("ecies", ex.Field);
    }

    [Fact]
    public void MalformedEip8Bodies_NameTheField()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        byte[] valid = Vectors.Plaintext("auth2");

        // [sig(64 bytes), ...]: one byte short.
        byte[] shortSignature = [0xF8, 0xA6, 0xB8, 0x40, .. valid.AsSpan(4, 64), .. valid.AsSpan(69)];
        AssertBodyRejected(key, shortSignature, "sig");

        // Not a list at all.
        AssertBodyRejected(key, [0x80, .. new byte[150]], "auth-body");

        // The list stops after the nonce: auth-vsn is missing.
        byte[] noVersion = [0xF8, 0xA6, .. valid.AsSpan(2, 0xA6)];
        AssertBodyRejected(key, noVersion, "auth-vsn");

        // An initiator key that is not on the curve.
        byte[] badKey = (byte[])valid.Clone();
        badKey.AsSpan(2 + 67 + 2, 64).Fill(0xFF);
        AssertBodyRejected(key, badKey, "initiator-pubk");
    }

    internal static byte[] SealEip8(in PublicKey recipient, byte[] body)
    {
        byte[] packet = new byte[2 + Ecies.GetCiphertextLength(body.Length)];
        BinaryPrimitives.WriteUInt16BigEndian(packet, (ushort)(packet.Length - 2));
        Ecies.Encrypt(recipient, body, packet.AsSpan(0, 2), packet.AsSpan(2));
        return packet;
    }

    private static void AssertBodyRejected(PrivateKey key, byte[] body, string field)
    {
        byte[] packet = SealEip8(key.PublicKey, body);
        byte[] decrypted = Decrypt(key, packet, isAuth: true, out _, out HandshakeFormat format);
        HandshakeException ex = Assert.Throws<HandshakeException>(() => AuthMessage.Decode(decrypted, format));
        Assert.Equal(field, ex.Field);
        Assert.True(ex.Offset >= 0);
    }

    private static byte[] Decrypt(PrivateKey key, byte[] packet, bool isAuth, out int packetLength, out HandshakeFormat format)
    {
        var reader = new HandshakePacketReader(isAuth ? HandshakePacket.LegacyAuthPacketLength : HandshakePacket.LegacyAckPacketLength);
        byte[] body = new byte[HandshakePacket.MaxBodyLength];
        Assert.True(reader.TryDecrypt(key, packet, body, out packetLength, out int bodyLength, out format));
        return body[..bodyLength];
    }

    private static void AssertExtraElements(JsonElement expected, IReadOnlyList<byte[]> actual)
    {
        string[] expectedHex = expected.GetProperty("extraListElements").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(expectedHex, actual.Select(e => TestVectors.ToHex(e)).ToArray());
    }
}
