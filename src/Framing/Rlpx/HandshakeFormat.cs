namespace Devp2p.Framing.Rlpx;

/// <summary>The two wire formats of auth and ack packets.</summary>
internal enum HandshakeFormat
{
    /// <summary>
    /// EIP-8: a 2-byte big-endian size prefix, then ECIES over an RLP list plus padding; the prefix
    /// is the ECIES shared MAC data. What this library sends, and all current go-ethereum accepts.
    /// </summary>
    Eip8,

    /// <summary>
    /// Pre-EIP-8 ("RLPx v4 plain"): ECIES over a fixed-layout body, no prefix, 307 bytes for auth
    /// and 210 for ack. Still sent by some clients, so it is accepted and answered in kind.
    /// </summary>
    Legacy,
}
