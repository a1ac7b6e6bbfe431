using System.Security.Cryptography;

namespace Devp2p.Crypto;

/// <summary>
/// An ECIES message could not be decrypted: it is shorter than <see cref="Ecies.Overhead"/>, its
/// ephemeral public key is malformed, or its authentication tag does not match (the message was
/// altered, or was encrypted to another key). The message names which.
/// </summary>
public sealed class EciesException : CryptographicException
{
    /// <summary>Creates the exception with a default message.</summary>
    public EciesException()
        : base("ECIES decryption failed.")
    {
    }

    /// <summary>Creates the exception with a message naming the reason.</summary>
    public EciesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public EciesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
