using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Bad packets are refused with <see cref="HandshakeException"/> naming the field, and leave the handshake failed.</summary>
public sealed partial class RlpxHandshakeTests
{
    /// <summary>Offset of r in a decrypted EIP-8 auth body: list header (2) and signature string header (2).</summary>
    private const int Eip8SignatureOffset = 4;

    [Fact]
    public void Auth_OverTheSizeLimit_IsRejectedBeforeTheBodyArrives()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        using var recipient = new RlpxRecipientHandshake(key);

        HandshakeException ex = Assert.Throws<HandshakeException>(() => recipient.TryReadAuth([0x08, 0x00], out _));

        Assert.Equal("size-prefix", ex.Field);
        Assert.Equal(0, ex.Offset);
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => recipient.TryReadAuth([0x01, 0x00], out _));
    }

    [Fact]
    public void Auth_WithAlteredCiphertext_IsRejectedByTheEciesTag()
    {
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        byte[] auth = Vectors.Packet("auth3");
        auth[200] ^= 0x40;
        using var recipient = new RlpxRecipientHandshake(key);

        HandshakeException ex = Assert.Throws<HandshakeException>(() => recipient.TryReadAuth(auth, out _));

        Assert.Equal("ecies", ex.Field);
        Assert.IsType<EciesException>(ex.InnerException);
    }

    [Theory]
    [InlineData("r-zero")]
    [InlineData("recovery-id")]
    public void Auth_WithUnrecoverableSignature_IsRejected(string damage)
    {
        byte[] body = Vectors.Plaintext("auth2");
        if (damage == "r-zero")
        {
            body.AsSpan(Eip8SignatureOffset, 32).Clear();
        }
        else
        {
            body[Eip8SignatureOffset + 64] = 7;
        }

        using PrivateKey key = Vectors.NewRecipientStaticKey();
        using var recipient = new RlpxRecipientHandshake(key);

        // The signature is checked after the ack is out (only ECIES work precedes the ack).
        Assert.True(recipient.TryReadAuth(HandshakePacketReaderTests.SealEip8(key.PublicKey, body), out _));
        recipient.WriteAck(new byte[recipient.GetAckLength()]);
        HandshakeException ex = Assert.Throws<HandshakeException>(() => recipient.TakeSecrets());

        Assert.Equal("sig", ex.Field);
        Assert.Equal(Eip8SignatureOffset, ex.Offset);
        Assert.Throws<InvalidOperationException>(() => recipient.TakeSecrets());
    }

    [Fact]
    public void LegacyAuth_WhoseEphemeralHashDoesNotMatchTheSignature_IsRejected()
    {
        byte[] body = Vectors.Plaintext("auth1");
        body[HandshakePacket.SignatureLength + 5] ^= 0x01;
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        byte[] packet = new byte[HandshakePacket.LegacyAuthPacketLength];
        Ecies.Encrypt(key.PublicKey, body, default, packet);
        using var recipient = new RlpxRecipientHandshake(key);

        Assert.True(recipient.TryReadAuth(packet, out _));
        recipient.WriteAck(new byte[recipient.GetAckLength()]);
        HandshakeException ex = Assert.Throws<HandshakeException>(() => recipient.TakeSecrets());

        Assert.Equal("keccak256(ephemeral-pubk)", ex.Field);
        Assert.Equal(HandshakePacket.SignatureLength, ex.Offset);
    }

    [Fact]
    public void Auth_SignedByTheWrongKey_PassesTheHandshakeButYieldsOtherSecrets()
    {
        // An EIP-8 auth carries no hash of the ephemeral key, so a signature by another key recovers
        // that other key; the handshake cannot tell, but the secrets differ and the first frame's
        // MAC fails. This pins down that behaviour (go-ethereum's too).
        byte[] body = Vectors.Plaintext("auth2");
        using PrivateKey staticKey = Vectors.NewRecipientStaticKey();
        using PrivateKey initiatorStatic = Vectors.NewInitiatorStaticKey();
        using PrivateKey impostor = PrivateKey.Generate();
        Span<byte> signedMessage = stackalloc byte[32];
        initiatorStatic.Ecdh(staticKey.PublicKey, signedMessage);
        for (int i = 0; i < 32; i++)
        {
            signedMessage[i] ^= Vectors.InitiatorNonce[i];
        }

        impostor.Sign(signedMessage, body.AsSpan(Eip8SignatureOffset, HandshakePacket.SignatureLength));
        using var recipient = new RlpxRecipientHandshake(staticKey, Vectors.NewRecipientEphemeralKey(), Vectors.RecipientNonce, []);

        Assert.True(recipient.TryReadAuth(HandshakePacketReaderTests.SealEip8(staticKey.PublicKey, body), out _));
        recipient.RecordSentAck(Vectors.Packet("ack2"));
        using RlpxSecrets secrets = recipient.TakeSecrets();

        Assert.NotEqual(Vectors.OfficialSecrets.GetProperty("aesSecret").GetString(), TestVectors.ToHex(secrets.AesSecret));
    }

    [Fact]
    public void Ack_WithAnInvalidEphemeralKey_IsRejected()
    {
        byte[] body = Vectors.Plaintext("ack2");
        const int publicKeyOffset = 4; // list header f864, string header b840
        body.AsSpan(publicKeyOffset, HandshakePacket.PublicKeyLength).Fill(0xFF);
        using PrivateKey staticKey = Vectors.NewInitiatorStaticKey();
        using PrivateKey recipientStatic = Vectors.NewRecipientStaticKey();
        using var initiator = new RlpxInitiatorHandshake(staticKey, recipientStatic.PublicKey);
        initiator.WriteAuth(new byte[initiator.GetAuthLength()]);

        HandshakeException ex = Assert.Throws<HandshakeException>(
            () => initiator.TryReadAck(HandshakePacketReaderTests.SealEip8(staticKey.PublicKey, body), out _));

        Assert.Equal("recipient-ephemeral-pubk", ex.Field);
        Assert.Equal(publicKeyOffset, ex.Offset);
    }

    [Fact]
    public void Garbage_IsRejectedByBothRoles()
    {
        var random = new Random(77);
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        for (int i = 0; i < 40; i++)
        {
            byte[] garbage = new byte[random.Next(3, 1500)];
            random.NextBytes(garbage);
            garbage[0] = (byte)(i % 2 == 0 ? 0x04 : random.Next(0, 3));
            garbage[2] = 0x04;
            if (garbage[0] == 0x04)
            {
                Array.Resize(ref garbage, Math.Max(garbage.Length, HandshakePacket.LegacyAuthPacketLength + 1290));
            }
            else
            {
                int size = (garbage[0] << 8) | garbage[1];
                Array.Resize(ref garbage, Math.Max(garbage.Length, size + 2));
            }

            using var recipient = new RlpxRecipientHandshake(recipientKey);
            Assert.Throws<HandshakeException>(() => recipient.TryReadAuth(garbage, out _));

            using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
            initiator.WriteAuth(new byte[initiator.GetAuthLength()]);
            Assert.Throws<HandshakeException>(() => initiator.TryReadAck(garbage, out _));
        }
    }

    [Fact]
    public void TruncatedAuth_NeedsMoreThenSucceeds()
    {
        byte[] auth = Vectors.Packet("auth3");
        using PrivateKey key = Vectors.NewRecipientStaticKey();
        using var recipient = new RlpxRecipientHandshake(key);
        for (int length = 0; length < auth.Length; length++)
        {
            Assert.False(recipient.TryReadAuth(auth.AsSpan(0, length), out int consumed));
            Assert.Equal(0, consumed);
        }

        Assert.True(recipient.TryReadAuth(auth, out int total));
        Assert.Equal(auth.Length, total);
        Assert.Equal(56ul, recipient.ReceivedAuth!.Version);
    }
}
