using Devp2p.Framing.Rlpx;

namespace Devp2p.Fuzz.Targets;

/// <summary>The decrypted ack body decoder, in both formats (see <see cref="AuthBodyTarget"/>).</summary>
internal sealed class AckBodyTarget : IFuzzTarget
{
    public string Name => "rlpx-ack-body";

    public string Description => "AckMessage.Decode (EIP-8 RLP body and legacy fixed layout)";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = AckMessage.Decode(input, HandshakeFormat.Eip8);
        }
        catch (HandshakeException)
        {
        }

        _ = AckMessage.Decode(input, HandshakeFormat.Legacy);
    }

    public bool IsExpected(Exception exception) => exception is HandshakeException;
}
