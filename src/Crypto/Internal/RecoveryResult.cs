namespace Devp2p.Crypto.Internal;

/// <summary>Why a public-key recovery failed, so throwing callers can name the reason.</summary>
internal enum RecoveryResult
{
    /// <summary>A public key was recovered.</summary>
    Success,

    /// <summary>The recovery id byte is above 3.</summary>
    InvalidRecoveryId,

    /// <summary>r or s is not below the group order n.</summary>
    ScalarOutOfRange,

    /// <summary>The library found no key: r or s is zero, or r is not the x coordinate of a point.</summary>
    NoPublicKey,
}
