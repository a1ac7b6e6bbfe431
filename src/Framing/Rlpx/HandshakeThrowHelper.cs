using System.Diagnostics.CodeAnalysis;

namespace Devp2p.Framing.Rlpx;

/// <summary>Throw sites of the handshake, kept out of the parsing and sealing methods.</summary>
internal static class HandshakeThrowHelper
{
    [DoesNotReturn]
    public static void ThrowPacketTooLarge(int size) =>
        throw new HandshakeException(
            "size-prefix",
            0,
            $"EIP-8 size-prefix announces {size} bytes of ECIES ciphertext ({size + HandshakePacket.SizePrefixLength} on the wire); " +
            $"the limit is {HandshakePacket.MaxPacketLength} bytes on the wire.");

    [DoesNotReturn]
    public static void ThrowPacketTooSmall(int size) =>
        throw new HandshakeException(
            "size-prefix",
            0,
            $"EIP-8 size-prefix announces {size} bytes of ECIES ciphertext; an ECIES message is at least {Crypto.Ecies.Overhead} bytes.");

    [DoesNotReturn]
    public static void ThrowNotEcies(int offset, byte value) =>
        throw new HandshakeException(
            "ecies",
            offset,
            $"Byte {offset} of the packet is 0x{value:x2}; an ECIES message starts with 0x04 there " +
            "(the packet is neither a legacy handshake packet nor an EIP-8 one).");

    public static HandshakeException DecryptionFailed(HandshakeFormat format, int offset, Exception inner) =>
        new(
            "ecies",
            offset,
            $"The {Describe(format)} packet's ECIES envelope at offset {offset} does not decrypt with our static key: {inner.Message}",
            inner);

    public static HandshakeException MalformedBody(string field, int offset, Exception inner) =>
        new(field, offset, $"Handshake body field {field} at offset {offset} is malformed: {inner.Message}", inner);

    [DoesNotReturn]
    public static void ThrowInvalidPublicKey(string field, int offset) =>
        throw new HandshakeException(field, offset, $"Handshake body field {field} at offset {offset} is not a secp256k1 public key (x || y on the curve).");

    [DoesNotReturn]
    public static void ThrowSignatureNotRecoverable(int offset, byte recoveryId) =>
        throw new HandshakeException(
            "sig",
            offset,
            $"The auth signature at offset {offset} (recovery id {recoveryId}) recovers no public key from static-shared-secret ^ initiator-nonce.");

    [DoesNotReturn]
    public static void ThrowEphemeralHashMismatch(int offset) =>
        throw new HandshakeException(
            "keccak256(ephemeral-pubk)",
            offset,
            $"The legacy auth's keccak256(ephemeral-pubk) at offset {offset} does not match the key the signature recovers: " +
            "the signature was not made over static-shared-secret ^ initiator-nonce with that key.");

    [DoesNotReturn]
    public static void ThrowDestinationTooShort(string parameterName, int needed, int actual) =>
        throw new ArgumentException($"The destination must hold {needed} bytes; it holds {actual}.", parameterName);

    [DoesNotReturn]
    public static void ThrowWrongState(string operation, string state) =>
        throw new InvalidOperationException($"{operation} is not valid now: the handshake is {state}.");

    private static string Describe(HandshakeFormat format) => format == HandshakeFormat.Legacy ? "legacy" : "EIP-8";
}
