using Devp2p.Framing.Rlpx;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// The decrypted auth body decoder, in both formats. Fuzzing the whole packet mostly stops at the
/// ECIES tag check; the body parser behind it is what a peer holding our public key can reach.
/// </summary>
internal sealed class AuthBodyTarget : IFuzzTarget
{
    public string Name => "rlpx-auth-body";

    public string Description => "AuthMessage.Decode (EIP-8 RLP body and legacy fixed layout)";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = AuthMessage.Decode(input, HandshakeFormat.Eip8);
        }
        catch (HandshakeException)
        {
        }

        _ = AuthMessage.Decode(input, HandshakeFormat.Legacy);
    }

    public bool IsExpected(Exception exception) => exception is HandshakeException;
}
