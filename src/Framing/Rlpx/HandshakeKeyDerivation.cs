using System.Security.Cryptography;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// The secrets both sides derive once the nonces and ephemeral keys are known (rlpx.md, "Initial
/// Handshake", the list after "ephemeral-key = ecdh.agree(...)"). Intermediate values are zeroed.
/// </summary>
internal static class HandshakeKeyDerivation
{
    public const int SecretLength = Keccak256.HashSize;

    /// <summary>
    /// shared-secret = keccak256(ephemeral-key || keccak256(recipient-nonce || initiator-nonce)),
    /// aes-secret = keccak256(ephemeral-key || shared-secret),
    /// mac-secret = keccak256(ephemeral-key || aes-secret).
    /// </summary>
    /// <param name="ephemeralKey">The x coordinate of ECDH between the two ephemeral keys.</param>
    /// <param name="initiatorNonce">The initiator's 32-byte nonce.</param>
    /// <param name="recipientNonce">The recipient's 32-byte nonce.</param>
    /// <param name="aesSecret">Receives the 32-byte aes-secret.</param>
    /// <param name="macSecret">Receives the 32-byte mac-secret.</param>
    public static void DeriveSecrets(
        ReadOnlySpan<byte> ephemeralKey,
        ReadOnlySpan<byte> initiatorNonce,
        ReadOnlySpan<byte> recipientNonce,
        Span<byte> aesSecret,
        Span<byte> macSecret)
    {
        Span<byte> input = stackalloc byte[2 * SecretLength];
        Span<byte> hash = stackalloc byte[SecretLength];
        try
        {
            recipientNonce.CopyTo(input);
            initiatorNonce.CopyTo(input[SecretLength..]);
            Keccak256.Hash(input, hash);

            ephemeralKey.CopyTo(input);
            hash.CopyTo(input[SecretLength..]);
            Keccak256.Hash(input, hash); // shared-secret

            hash.CopyTo(input[SecretLength..]);
            Keccak256.Hash(input, aesSecret);

            aesSecret.CopyTo(input[SecretLength..]);
            Keccak256.Hash(input, macSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>
    /// A MAC state initialised as keccak256.init((mac-secret ^ nonce) || packet), where nonce is the
    /// other side's nonce and packet the whole packet as sent on the wire, EIP-8 size prefix included.
    /// </summary>
    public static Keccak256 InitializeMac(ReadOnlySpan<byte> macSecret, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> packet)
    {
        Span<byte> mixed = stackalloc byte[SecretLength];
        for (int i = 0; i < mixed.Length; i++)
        {
            mixed[i] = (byte)(macSecret[i] ^ nonce[i]);
        }

        Keccak256 mac = default;
        mac.Update(mixed);
        mac.Update(packet);
        CryptographicOperations.ZeroMemory(mixed);
        return mac;
    }

    /// <summary>Writes static-shared-secret ^ initiator-nonce, the 32 bytes the initiator signs with its ephemeral key.</summary>
    public static void ComputeSignedMessage(PrivateKey staticKey, in PublicKey remoteStaticKey, ReadOnlySpan<byte> initiatorNonce, Span<byte> message)
    {
        staticKey.Ecdh(remoteStaticKey, message);
        for (int i = 0; i < HandshakePacket.NonceLength; i++)
        {
            message[i] ^= initiatorNonce[i];
        }
    }
}
