using System.Buffers;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>Initiator and recipient with random keys agree on every secret, in both formats.</summary>
public sealed partial class RlpxHandshakeTests
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(100)]
    public void TwoParties_Eip8_DeriveMatchingSecrets(int chunk)
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);

        int authLength = initiator.GetAuthLength();
        Assert.InRange(
            authLength,
            HandshakePacket.GetEip8PacketLength(AuthMessage.Eip8ListLength + HandshakePacket.MinPaddingLength),
            HandshakePacket.GetEip8PacketLength(AuthMessage.Eip8ListLength + HandshakePacket.MaxPaddingLength));

        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = Run(initiator, recipient, chunk);
        using (initiatorSecrets)
        using (recipientSecrets)
        {
            AssertMatching(initiatorSecrets, recipientSecrets);
            Assert.Equal(initiatorKey.PublicKey, recipient.RemotePublicKey);
            Assert.Equal(initiatorKey.PublicKey, recipientSecrets.RemotePublicKey);
            Assert.Equal(recipientKey.PublicKey, initiatorSecrets.RemotePublicKey);
            Assert.Equal(HandshakeFormat.Eip8, recipient.ReceivedAuth!.Format);
            Assert.Equal(HandshakePacket.Version, recipient.ReceivedAuth.Version);
            Assert.Equal(HandshakeFormat.Eip8, initiator.ReceivedAck!.Format);
        }
    }

    [Fact]
    public void TwoParties_LegacyAuth_GetsLegacyAckAndMatchingSecrets()
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey, HandshakeFormat.Legacy);
        using var recipient = new RlpxRecipientHandshake(recipientKey);

        Assert.Equal(HandshakePacket.LegacyAuthPacketLength, initiator.GetAuthLength());
        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = Run(initiator, recipient, chunk: 50);
        using (initiatorSecrets)
        using (recipientSecrets)
        {
            AssertMatching(initiatorSecrets, recipientSecrets);
            Assert.Equal(HandshakeFormat.Legacy, recipient.ReceivedAuth!.Format);
            Assert.Equal(HandshakeFormat.Legacy, initiator.ReceivedAck!.Format);
            Assert.Equal(initiatorKey.PublicKey, recipientSecrets.RemotePublicKey);
        }
    }

    [Fact]
    public void TwoParties_FedThroughMultiSegmentSequences_DeriveMatchingSecrets()
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);

        byte[] auth = new byte[initiator.GetAuthLength()];
        initiator.WriteAuth(auth);
        Assert.False(recipient.TryReadAuth(Segmented(auth.AsSpan(0, 150).ToArray(), 7), out _));
        Assert.True(recipient.TryReadAuth(Segmented(auth, 7), out int authConsumed));
        Assert.Equal(auth.Length, authConsumed);

        byte[] ack = new byte[recipient.GetAckLength() + 40];
        int ackLength = recipient.WriteAck(ack);
        Assert.True(initiator.TryReadAck(Segmented(ack, 33), out int ackConsumed));
        Assert.Equal(ackLength, ackConsumed);

        using RlpxSecrets initiatorSecrets = initiator.TakeSecrets();
        using RlpxSecrets recipientSecrets = recipient.TakeSecrets();
        AssertMatching(initiatorSecrets, recipientSecrets);
    }

    [Fact]
    public void Recipient_TakesItsSecretsLate_FromItsOwnCopiesOfThePackets()
    {
        // The engine sends the ack before it takes the secrets (the recipient's last key agreement
        // runs in TakeSecrets): by then the pipe may have reused the memory of both packets.
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);

        byte[] auth = new byte[initiator.GetAuthLength()];
        initiator.WriteAuth(auth);
        Assert.True(recipient.TryReadAuth(auth, out _));
        Random.Shared.NextBytes(auth);
        byte[] ack = new byte[recipient.GetAckLength()];
        recipient.WriteAck(ack);
        Assert.True(recipient.IsComplete);
        Assert.True(initiator.TryReadAck(ack, out _));
        using RlpxSecrets initiatorSecrets = initiator.TakeSecrets();
        Random.Shared.NextBytes(ack);

        using RlpxSecrets recipientSecrets = recipient.TakeSecrets();
        AssertMatching(initiatorSecrets, recipientSecrets);

        recipient.Dispose();
        Assert.Throws<InvalidOperationException>(() => recipient.TakeSecrets());
    }

    [Fact]
    public void Secrets_AreZeroedOnDispose_AndCanBeTakenOnce()
    {
        (RlpxSecrets initiatorSecrets, RlpxSecrets recipientSecrets) = RunWithRandomKeys();
        recipientSecrets.Dispose();
        Assert.Throws<ObjectDisposedException>(() => recipientSecrets.AesSecret.Length);
        Assert.Throws<ObjectDisposedException>(() => recipientSecrets.EgressMac);
        initiatorSecrets.Dispose();
        initiatorSecrets.Dispose();

        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);
        (RlpxSecrets first, RlpxSecrets second) = Run(initiator, recipient);
        first.Dispose();
        second.Dispose();
        Assert.Throws<InvalidOperationException>(() => initiator.TakeSecrets());
        Assert.Throws<InvalidOperationException>(() => recipient.TakeSecrets());
    }

    [Fact]
    public void CallsOutOfOrder_ThrowInvalidOperation()
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);

        Assert.Throws<InvalidOperationException>(() => initiator.TryReadAck(new byte[10], out _));
        Assert.Throws<InvalidOperationException>(() => initiator.TakeSecrets());
        Assert.Throws<InvalidOperationException>(() => recipient.GetAckLength());
        Assert.Throws<InvalidOperationException>(() => recipient.WriteAck(new byte[1000]));
        Assert.Throws<InvalidOperationException>(() => recipient.RemotePublicKey);
        Assert.Throws<ArgumentException>(() => initiator.WriteAuth(new byte[initiator.GetAuthLength() - 1]));

        byte[] auth = new byte[initiator.GetAuthLength()];
        initiator.WriteAuth(auth);
        Assert.Throws<InvalidOperationException>(() => initiator.WriteAuth(auth));
        Assert.True(recipient.TryReadAuth(auth, out _));
        Assert.Throws<InvalidOperationException>(() => recipient.TryReadAuth(auth, out _));

        initiator.Dispose();
        Assert.Throws<InvalidOperationException>(() => initiator.TryReadAck(new byte[10], out _));
    }

    internal static void AssertMatching(RlpxSecrets initiator, RlpxSecrets recipient)
    {
        Assert.True(initiator.AesSecret.SequenceEqual(recipient.AesSecret));
        Assert.True(initiator.MacSecret.SequenceEqual(recipient.MacSecret));
        Assert.False(initiator.AesSecret.SequenceEqual(initiator.MacSecret));
        Assert.Equal(DigestAfter(initiator.EgressMac, "foo"u8), DigestAfter(recipient.IngressMac, "foo"u8));
        Assert.Equal(DigestAfter(initiator.IngressMac, "foo"u8), DigestAfter(recipient.EgressMac, "foo"u8));
        Assert.NotEqual(DigestAfter(initiator.EgressMac, default), DigestAfter(initiator.IngressMac, default));
    }

    /// <summary>A sequence of <paramref name="data"/> cut into segments of <paramref name="segmentLength"/> bytes.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] data, int segmentLength)
    {
        TestSegment? first = null;
        TestSegment? last = null;
        for (int offset = 0; offset < data.Length; offset += segmentLength)
        {
            var segment = new TestSegment(data.AsMemory(offset, Math.Min(segmentLength, data.Length - offset)));
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.Append(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class TestSegment : ReadOnlySequenceSegment<byte>
    {
        public TestSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void Append(TestSegment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
