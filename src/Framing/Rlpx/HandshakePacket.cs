using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>Sizes and limits of auth and ack packets (ethereum/devp2p rlpx.md, "Initial Handshake"; EIP-8).</summary>
internal static class HandshakePacket
{
    /// <summary>
    /// The largest auth or ack packet accepted, counted on the wire with the EIP-8 size prefix.
    /// Honest packets are 200-700 bytes; the cap bounds what a peer can make us buffer and decrypt
    /// before it has proved anything (DESIGN.md "max auth/ack size 2 KiB").
    /// </summary>
    public const int MaxPacketLength = 2048;

    /// <summary>The EIP-8 big-endian size prefix, which is also the ECIES shared MAC data.</summary>
    public const int SizePrefixLength = 2;

    /// <summary>EIP-8 asks for at least 100 bytes of padding so an EIP-8 packet is never the size of a legacy one.</summary>
    public const int MinPaddingLength = 100;

    /// <summary>
    /// Random padding is 100 to 199 bytes, as go-ethereum pads, so packet lengths reveal nothing
    /// stable about the sender.
    /// </summary>
    public const int MaxPaddingLength = 199;

    /// <summary>The RLPx version both sides send in EIP-8 bodies (auth-vsn, ack-vsn).</summary>
    public const ulong Version = 4;

    /// <summary>The version reported for legacy packets, which carry none (go-ethereum reports 4 for them).</summary>
    public const ulong LegacyVersion = 4;

    public const int SignatureLength = Secp256k1.SignatureLength;
    public const int PublicKeyLength = Secp256k1.PublicKeyLength;
    public const int NonceLength = 32;
    public const int HashLength = Keccak256.HashSize;

    /// <summary>Legacy auth body: signature || keccak(ephemeral-pubk) || pubk || nonce || token flag.</summary>
    public const int LegacyAuthBodyLength = SignatureLength + HashLength + PublicKeyLength + NonceLength + 1;

    /// <summary>Legacy ack body: ephemeral-pubk || nonce || token flag.</summary>
    public const int LegacyAckBodyLength = PublicKeyLength + NonceLength + 1;

    /// <summary>307: the fixed size of a legacy auth packet.</summary>
    public const int LegacyAuthPacketLength = LegacyAuthBodyLength + Ecies.Overhead;

    /// <summary>210: the fixed size of a legacy ack packet.</summary>
    public const int LegacyAckPacketLength = LegacyAckBodyLength + Ecies.Overhead;

    /// <summary>
    /// The first byte of every ECIES message (the uncompressed ephemeral key's 0x04 prefix); hence
    /// of every legacy packet, and the byte after the size prefix of every EIP-8 packet.
    /// </summary>
    public const byte EciesPrefix = 0x04;

    /// <summary>The legacy token flag we send: 0, "no session token" (tokens were never used).</summary>
    public const byte LegacyTokenFlag = 0;

    /// <summary>The largest body that fits <see cref="MaxPacketLength"/> in EIP-8 form.</summary>
    public const int MaxBodyLength = MaxPacketLength - SizePrefixLength - Ecies.Overhead;

    /// <summary>The length of an EIP-8 packet whose body (RLP and padding) is <paramref name="bodyLength"/> bytes.</summary>
    public static int GetEip8PacketLength(int bodyLength) => SizePrefixLength + Ecies.GetCiphertextLength(bodyLength);
}
