using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// The state machines, given the vector keys and nonces and fed the vector packets, derive the
/// official (Auth2, Ack2) secrets and the derived MAC digests of every pair, from both roles.
/// </summary>
public sealed partial class RlpxHandshakeTests
{
    [Fact]
    public void Recipient_Auth2Ack2_DerivesTheOfficialSecrets()
    {
        JsonElement official = Vectors.OfficialSecrets;
        Assert.Equal(new[] { "auth2", "ack2" }, official.GetProperty("pair").EnumerateArray().Select(e => e.GetString()).ToArray());

        using RlpxSecrets secrets = RunRecipient(2);

        Assert.Equal(official.GetProperty("aesSecret").GetString(), TestVectors.ToHex(secrets.AesSecret));
        Assert.Equal(official.GetProperty("macSecret").GetString(), TestVectors.ToHex(secrets.MacSecret));
        Assert.Equal(official.GetProperty("recipientIngressMacFoo").GetString(), DigestAfter(secrets.IngressMac, "foo"u8));
        Assert.Equal(Vectors.PublicKeys.GetProperty("initiatorStatic").GetString(), secrets.RemotePublicKey.ToHex());
    }

    [Theory]
    [MemberData(nameof(HandshakeVectors.PairNumbers), MemberType = typeof(HandshakeVectors))]
    public void Recipient_VectorPair_DerivesTheDerivedSecrets(int pair)
    {
        JsonElement expected = Vectors.Pair(pair);
        using RlpxSecrets secrets = RunRecipient(pair);

        Assert.Equal(expected.GetProperty("aesSecret").GetString(), TestVectors.ToHex(secrets.AesSecret));
        Assert.Equal(expected.GetProperty("macSecret").GetString(), TestVectors.ToHex(secrets.MacSecret));
        Assert.Equal(expected.GetProperty("recipientEgressMacFoo").GetString(), DigestAfter(secrets.EgressMac, "foo"u8));
        Assert.Equal(expected.GetProperty("recipientIngressMacFoo").GetString(), DigestAfter(secrets.IngressMac, "foo"u8));

        // The recipient's MACs are the initiator's, mirrored.
        Assert.Equal(expected.GetProperty("initiatorIngressMacDigestBeforeFoo").GetString(), DigestAfter(secrets.EgressMac, default));
        Assert.Equal(expected.GetProperty("initiatorEgressMacDigestBeforeFoo").GetString(), DigestAfter(secrets.IngressMac, default));
    }

    [Theory]
    [MemberData(nameof(HandshakeVectors.PairNumbers), MemberType = typeof(HandshakeVectors))]
    public void Initiator_VectorPair_DerivesTheDerivedSecrets(int pair)
    {
        JsonElement expected = Vectors.Pair(pair);
        using PrivateKey staticKey = Vectors.NewInitiatorStaticKey();
        using PrivateKey recipientStatic = Vectors.NewRecipientStaticKey();
        using var initiator = new RlpxInitiatorHandshake(
            staticKey, recipientStatic.PublicKey, Vectors.NewInitiatorEphemeralKey(), Vectors.InitiatorNonce, [], HandshakeFormat.Eip8);

        initiator.RecordSentAuth(Vectors.Packet($"auth{pair}"));
        byte[] ack = Vectors.Packet($"ack{pair}");
        Assert.True(initiator.TryReadAck(ack, out int consumed));
        Assert.Equal(ack.Length, consumed);
        using RlpxSecrets secrets = initiator.TakeSecrets();

        Assert.Equal(expected.GetProperty("aesSecret").GetString(), TestVectors.ToHex(secrets.AesSecret));
        Assert.Equal(expected.GetProperty("macSecret").GetString(), TestVectors.ToHex(secrets.MacSecret));
        Assert.Equal(expected.GetProperty("initiatorEgressMacFoo").GetString(), DigestAfter(secrets.EgressMac, "foo"u8));
        Assert.Equal(expected.GetProperty("initiatorIngressMacFoo").GetString(), DigestAfter(secrets.IngressMac, "foo"u8));
        Assert.Equal(expected.GetProperty("initiatorEgressMacDigestBeforeFoo").GetString(), DigestAfter(secrets.EgressMac, default));
        Assert.Equal(expected.GetProperty("initiatorIngressMacDigestBeforeFoo").GetString(), DigestAfter(secrets.IngressMac, default));
        Assert.Equal(recipientStatic.PublicKey, secrets.RemotePublicKey);

        JsonElement ackExpected = Vectors.Message($"ack{pair}").GetProperty("expected");
        Assert.Equal(ackExpected.GetProperty("version").GetUInt64(), initiator.ReceivedAck!.Version);
        Assert.Equal(ackExpected.GetProperty("recipientEphemeralPublicKey").GetString(), initiator.ReceivedAck.RecipientEphemeralPublicKey.ToHex());
    }

    [Theory]
    [MemberData(nameof(HandshakeVectors.PairNumbers), MemberType = typeof(HandshakeVectors))]
    public void Recipient_VectorAuth_LearnsTheInitiatorAndItsFields(int pair)
    {
        JsonElement expected = Vectors.Message($"auth{pair}").GetProperty("expected");
        using PrivateKey staticKey = Vectors.NewRecipientStaticKey();
        using var recipient = new RlpxRecipientHandshake(staticKey, Vectors.NewRecipientEphemeralKey(), Vectors.RecipientNonce, []);

        Assert.True(recipient.TryReadAuth(Vectors.Packet($"auth{pair}"), out _));

        Assert.Equal(expected.GetProperty("initiatorPublicKey").GetString(), recipient.RemotePublicKey.ToHex());
        Assert.Equal(expected.GetProperty("version").GetUInt64(), recipient.ReceivedAuth!.Version);
        Assert.Equal(expected.GetProperty("signature").GetString(), TestVectors.ToHex(recipient.ReceivedAuth.Signature));

        // A legacy auth is answered with a legacy ack, an EIP-8 auth with an EIP-8 ack.
        if (pair == 1)
        {
            Assert.Equal(HandshakePacket.LegacyAckPacketLength, recipient.GetAckLength());
        }
        else
        {
            Assert.NotEqual(HandshakePacket.LegacyAckPacketLength, recipient.GetAckLength());
        }
    }

    [Theory]
    [InlineData("auth1")]
    [InlineData("auth2")]
    public void Initiator_WithVectorValues_WritesTheVectorAuthBody(string name)
    {
        // With the vector's keys, nonce and (zero) padding our body must equal the vector's decrypted
        // body byte for byte, except the signature: the vector's was not made with RFC 6979 nonces,
        // so ours differs, but it must recover the same ephemeral key from the same signed message.
        HandshakeFormat format = name == "auth1" ? HandshakeFormat.Legacy : HandshakeFormat.Eip8;
        int signatureOffset = format == HandshakeFormat.Legacy ? 0 : Eip8SignatureOffset;
        byte[] expectedBody = Vectors.Plaintext(name);
        int padding = format == HandshakeFormat.Legacy ? 0 : expectedBody.Length - AuthMessage.Eip8ListLength;
        using PrivateKey staticKey = Vectors.NewInitiatorStaticKey();
        using PrivateKey recipientStatic = Vectors.NewRecipientStaticKey();
        using var initiator = new RlpxInitiatorHandshake(
            staticKey, recipientStatic.PublicKey, Vectors.NewInitiatorEphemeralKey(), Vectors.InitiatorNonce, new byte[padding], format);

        byte[] packet = new byte[initiator.GetAuthLength()];
        initiator.WriteAuth(packet);

        Assert.Equal(Vectors.Packet(name).Length, packet.Length);
        var reader = new HandshakePacketReader(HandshakePacket.LegacyAuthPacketLength);
        byte[] decrypted = new byte[HandshakePacket.MaxBodyLength];
        Assert.True(reader.TryDecrypt(recipientStatic, packet, decrypted, out _, out int bodyLength, out HandshakeFormat actualFormat));
        Assert.Equal(format, actualFormat);
        byte[] body = decrypted[..bodyLength];
        Range signature = signatureOffset..(signatureOffset + HandshakePacket.SignatureLength);
        Assert.Equal(TestVectors.ToHex(expectedBody[..signatureOffset]), TestVectors.ToHex(body[..signatureOffset]));
        Assert.Equal(TestVectors.ToHex(expectedBody[signature.End..]), TestVectors.ToHex(body[signature.End..]));

        Span<byte> signedMessage = stackalloc byte[32];
        staticKey.Ecdh(recipientStatic.PublicKey, signedMessage);
        for (int i = 0; i < signedMessage.Length; i++)
        {
            signedMessage[i] ^= Vectors.InitiatorNonce[i];
        }

        string initiatorEphemeral = Vectors.PublicKeys.GetProperty("initiatorEphemeral").GetString()!;
        Assert.Equal(initiatorEphemeral, PublicKey.Recover(signedMessage, body[signature]).ToHex());
        Assert.Equal(initiatorEphemeral, PublicKey.Recover(signedMessage, expectedBody[signature]).ToHex());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Recipient_WithVectorValues_WritesTheVectorAckBody(int pair)
    {
        byte[] expectedBody = Vectors.Plaintext($"ack{pair}");
        int padding = pair == 1 ? 0 : expectedBody.Length - AckMessage.Eip8ListLength;
        using PrivateKey staticKey = Vectors.NewRecipientStaticKey();
        using PrivateKey initiatorStatic = Vectors.NewInitiatorStaticKey();
        using var recipient = new RlpxRecipientHandshake(staticKey, Vectors.NewRecipientEphemeralKey(), Vectors.RecipientNonce, new byte[padding]);
        Assert.True(recipient.TryReadAuth(Vectors.Packet($"auth{pair}"), out _));

        byte[] packet = new byte[recipient.GetAckLength()];
        recipient.WriteAck(packet);

        Assert.Equal(Vectors.Packet($"ack{pair}").Length, packet.Length);
        var reader = new HandshakePacketReader(HandshakePacket.LegacyAckPacketLength);
        byte[] body = new byte[HandshakePacket.MaxBodyLength];
        Assert.True(reader.TryDecrypt(initiatorStatic, packet, body, out _, out int bodyLength, out _));
        Assert.Equal(TestVectors.ToHex(expectedBody), TestVectors.ToHex(body.AsSpan(0, bodyLength)));
    }

    private static RlpxSecrets RunRecipient(int pair)
    {
        using PrivateKey staticKey = Vectors.NewRecipientStaticKey();
        using var recipient = new RlpxRecipientHandshake(staticKey, Vectors.NewRecipientEphemeralKey(), Vectors.RecipientNonce, []);
        byte[] auth = Vectors.Packet($"auth{pair}");
        Assert.True(recipient.TryReadAuth(auth, out int consumed));
        Assert.Equal(auth.Length, consumed);
        recipient.RecordSentAck(Vectors.Packet($"ack{pair}"));
        Assert.True(recipient.IsComplete);
        return recipient.TakeSecrets();
    }
}
