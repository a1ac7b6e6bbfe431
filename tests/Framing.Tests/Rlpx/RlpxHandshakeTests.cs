using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlpx;

/// <summary>
/// The two handshake state machines: against the EIP-8 vectors (official and derived secrets),
/// against each other with random keys, and against bad input.
/// </summary>
public sealed partial class RlpxHandshakeTests
{
    private static HandshakeVectors Vectors => HandshakeVectors.Instance;

    /// <summary>Runs a full handshake in memory, feeding each packet to the other side in pieces.</summary>
    internal static (RlpxSecrets Initiator, RlpxSecrets Recipient) Run(RlpxInitiatorHandshake initiator, RlpxRecipientHandshake recipient, int chunk = int.MaxValue)
    {
        byte[] auth = new byte[initiator.GetAuthLength()];
        Assert.Equal(auth.Length, initiator.WriteAuth(auth));
        Feed(auth, chunk, recipient.TryReadAuth);

        byte[] ack = new byte[recipient.GetAckLength()];
        Assert.Equal(ack.Length, recipient.WriteAck(ack));
        Assert.True(recipient.IsComplete);
        Feed(ack, chunk, initiator.TryReadAck);
        Assert.True(initiator.IsComplete);
        return (initiator.TakeSecrets(), recipient.TakeSecrets());
    }

    internal static (RlpxSecrets Initiator, RlpxSecrets Recipient) RunWithRandomKeys()
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);
        return Run(initiator, recipient);
    }

    /// <summary>The digest of a copy of <paramref name="mac"/> after absorbing <paramref name="extra"/>; the original is untouched.</summary>
    internal static string DigestAfter(Keccak256 mac, ReadOnlySpan<byte> extra)
    {
        mac.Update(extra);
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        mac.Digest(digest);
        return TestVectors.ToHex(digest);
    }

    private delegate bool TryRead(ReadOnlySpan<byte> input, out int consumed);

    /// <summary>Feeds <paramref name="packet"/> in growing prefixes, as a pipe would; false is expected until the last piece.</summary>
    private static void Feed(byte[] packet, int chunk, TryRead tryRead)
    {
        int available = Math.Min(chunk, packet.Length);
        while (true)
        {
            bool done = tryRead(packet.AsSpan(0, available), out int consumed);
            if (available == packet.Length)
            {
                Assert.True(done);
                Assert.Equal(packet.Length, consumed);
                return;
            }

            Assert.False(done, $"complete after only {available} of {packet.Length} bytes");
            Assert.Equal(0, consumed);
            available = (int)Math.Min((long)available + chunk, packet.Length);
        }
    }
}
