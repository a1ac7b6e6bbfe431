using System.Security.Cryptography;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// What an RLPx handshake establishes (rlpx.md, "Initial Handshake"): the aes-secret and
/// mac-secret, the egress and ingress MAC states seeded with the handshake packets, and the remote
/// node's static public key. Create an <see cref="RlpxFrameCodec"/> from it.
/// </summary>
/// <remarks>
/// Obtained from <see cref="RlpxInitiatorHandshake.TakeSecrets"/> or
/// <see cref="RlpxRecipientHandshake.TakeSecrets"/>; whoever takes it owns it and disposes it,
/// which zeroes the secrets and MAC states (a codec made from it keeps its own copies, so the
/// secrets may be disposed as soon as the codec exists). Not thread-safe.
/// </remarks>
public sealed class RlpxSecrets : IDisposable
{
    private const int SecretLength = HandshakeKeyDerivation.SecretLength;

    /// <summary>aes-secret || mac-secret, on the pinned heap so no moved copy is left behind.</summary>
    private readonly byte[] _secrets;
    private readonly PublicKey _remotePublicKey;
    private Keccak256 _egressMac;
    private Keccak256 _ingressMac;
    private bool _disposed;

    internal RlpxSecrets(
        ReadOnlySpan<byte> aesSecret,
        ReadOnlySpan<byte> macSecret,
        in Keccak256 egressMac,
        in Keccak256 ingressMac,
        in PublicKey remotePublicKey)
    {
        _secrets = GC.AllocateArray<byte>(2 * SecretLength, pinned: true);
        aesSecret.CopyTo(_secrets);
        macSecret.CopyTo(_secrets.AsSpan(SecretLength));
        _egressMac = egressMac;
        _ingressMac = ingressMac;
        _remotePublicKey = remotePublicKey;
    }

    /// <summary>The 32-byte aes-secret, the AES-256-CTR key of both frame directions. Valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The secrets were disposed.</exception>
    public ReadOnlySpan<byte> AesSecret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secrets.AsSpan(0, SecretLength);
        }
    }

    /// <summary>The 32-byte mac-secret, the AES-256 key of the frame MAC construction. Valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The secrets were disposed.</exception>
    public ReadOnlySpan<byte> MacSecret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secrets.AsSpan(SecretLength, SecretLength);
        }
    }

    /// <summary>
    /// A copy of the egress MAC state: keccak256 of (mac-secret ^ the remote nonce) || the packet we
    /// sent. Updating the copy does not change this object.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The secrets were disposed.</exception>
    public Keccak256 EgressMac
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _egressMac;
        }
    }

    /// <summary>
    /// A copy of the ingress MAC state: keccak256 of (mac-secret ^ our nonce) || the packet we
    /// received. The remote side's <see cref="EgressMac"/> equals it.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The secrets were disposed.</exception>
    public Keccak256 IngressMac
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ingressMac;
        }
    }

    /// <summary>The remote node's static public key (its node ID): given to the initiator, learned from the auth by the recipient. Readable after disposal.</summary>
    public PublicKey RemotePublicKey => _remotePublicKey;

    /// <summary>Zeroes the secrets and both MAC states. Idempotent.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_secrets);
        _egressMac.Reset();
        _ingressMac.Reset();
    }
}
