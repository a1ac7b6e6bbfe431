using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// Two frame codecs with matching secrets, made without elliptic-curve work so each fuzz input
/// gets a fresh pair cheaply: A's egress MAC state is B's ingress state and the other way round.
/// </summary>
internal static class FrameCodecPair
{
    private static readonly byte[] s_aesSecret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] s_macSecret = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    public static (RlpxFrameCodec Sender, RlpxFrameCodec Receiver) Create()
    {
        var forward = default(Keccak256);
        forward.Update("fuzz: sender to receiver"u8);
        var backward = default(Keccak256);
        backward.Update("fuzz: receiver to sender"u8);

        using var senderSecrets = new RlpxSecrets(s_aesSecret, s_macSecret, forward, backward, default);
        using var receiverSecrets = new RlpxSecrets(s_aesSecret, s_macSecret, backward, forward, default);
        return (new RlpxFrameCodec(senderSecrets), new RlpxFrameCodec(receiverSecrets));
    }
}
