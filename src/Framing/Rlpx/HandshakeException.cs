namespace Devp2p.Framing.Rlpx;

/// <summary>
/// An RLPx auth or ack packet was rejected: it is larger than
/// <see cref="RlpxRecipientHandshake.MaxPacketLength"/>, its ECIES envelope does not decrypt (wrong
/// key, altered bytes), its body is malformed, or its signature does not recover the initiator's
/// ephemeral key. <see cref="Field"/> names the part at fault and <see cref="Offset"/> where it is.
/// </summary>
/// <remarks>
/// This is the only exception the handshake objects throw for bad bytes from a peer; misuse (a
/// destination that is too short, a call in the wrong state) is reported with
/// <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/> instead, so a caller
/// can tell a hostile or broken peer from its own bug. After one, the handshake is failed and must
/// be disposed.
/// </remarks>
public sealed class HandshakeException : Exception
{
    /// <summary>Creates the exception for a fault in <paramref name="field"/>.</summary>
    /// <param name="field">The wire field at fault, in rlpx.md's terms (for example <c>auth-vsn</c> or <c>size-prefix</c>).</param>
    /// <param name="offset">The byte offset of the field in the packet or decrypted body it belongs to, or -1 when there is none.</param>
    /// <param name="message">What is wrong, naming the field, the value and the limit.</param>
    public HandshakeException(string field, int offset, string message)
        : base(message)
    {
        Field = field;
        Offset = offset;
    }

    /// <summary>Creates the exception for a fault in <paramref name="field"/> detected by a lower layer.</summary>
    /// <param name="field">The wire field at fault.</param>
    /// <param name="offset">The byte offset of the field, or -1 when there is none.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The ECIES or RLP error that revealed it.</param>
    public HandshakeException(string field, int offset, string message, Exception innerException)
        : base(message, innerException)
    {
        Field = field;
        Offset = offset;
    }

    /// <summary>The wire field at fault, named as rlpx.md and EIP-8 name it.</summary>
    public string Field { get; }

    /// <summary>
    /// The byte offset of the field: from the start of the packet for envelope faults (size prefix,
    /// ECIES), from the start of the decrypted body for body faults; -1 when there is none.
    /// </summary>
    public int Offset { get; }
}
