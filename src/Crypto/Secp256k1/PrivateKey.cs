using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Devp2p.Crypto;

/// <summary>
/// A secp256k1 secret key with its public key. Signs (recoverable, RFC 6979) and computes ECDH
/// shared secrets the way RLPx does. Dispose it to zero the secret.
/// </summary>
/// <remarks>
/// The 32 secret bytes live in an array on the pinned object heap, so the garbage collector never
/// leaves moved copies of them behind, and <see cref="Dispose"/> overwrites them. Signing and ECDH
/// may run on many threads at once; disposing while another thread uses the key is a caller bug.
/// </remarks>
public sealed class PrivateKey : IDisposable
{
    private readonly byte[] _secret;
    private readonly PublicKey _publicKey;
    private volatile bool _disposed;

    /// <summary>Creates a key from its 32-byte big-endian scalar, which is copied.</summary>
    /// <exception cref="ArgumentException">
    /// The key is not 32 bytes, is zero, or is not below the curve order n (the message says which).
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public PrivateKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != Secp256k1.SecretKeyLength)
        {
            Secp256k1.ThrowLength(nameof(secretKey), Secp256k1.SecretKeyLength, secretKey.Length);
        }

        if (!Secp256k1.IsValidSecretKey(secretKey))
        {
            ThrowOutOfRange(secretKey);
        }

        _secret = GC.AllocateUninitializedArray<byte>(Secp256k1.SecretKeyLength, pinned: true);
        secretKey.CopyTo(_secret);
        Span<byte> publicKey = stackalloc byte[Secp256k1.PublicKeyLength];
        Secp256k1.DerivePublicKey(_secret, publicKey);
        _publicKey = PublicKey.FromValidated(publicKey);
    }

    /// <summary>The public key, computed once at construction; still readable after <see cref="Dispose"/>.</summary>
    public PublicKey PublicKey => _publicKey;

    /// <summary>Creates a new random key from <see cref="RandomNumberGenerator"/>.</summary>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PrivateKey Generate()
    {
        Span<byte> secret = stackalloc byte[Secp256k1.SecretKeyLength];
        try
        {
            Secp256k1.GenerateSecretKey(secret);
            return new PrivateKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Creates a key from 64 hex digits, optionally 0x-prefixed (the format of go-ethereum's nodekey file).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    /// <exception cref="ArgumentException">The scalar is zero or not below n.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PrivateKey FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return FromHex(hex.AsSpan());
    }

    /// <summary>
    /// <see cref="FromHex(string)"/> over characters the caller owns (and can zero afterwards), so
    /// the secret need never sit in an immutable string; surrounding whitespace and 0x are accepted.
    /// </summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    /// <exception cref="ArgumentException">The scalar is zero or not below n.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PrivateKey FromHex(ReadOnlySpan<char> hex)
    {
        ReadOnlySpan<char> digits = hex.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        Span<byte> secret = stackalloc byte[Secp256k1.SecretKeyLength];
        try
        {
            if (digits.Length != 2 * Secp256k1.SecretKeyLength
                || Convert.FromHexString(digits, secret, out _, out _) != OperationStatus.Done)
            {
                throw new FormatException(
                    $"A private key is 64 hex digits; got {digits.Length} characters or a non-hex character.");
            }

            return new PrivateKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Writes the 32-byte secret to the start of <paramref name="destination"/>; the caller then owns that copy.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Secp256k1.SecretKeyLength)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(destination), Secp256k1.SecretKeyLength, destination.Length);
        }

        Secret.CopyTo(destination);
    }

    /// <summary>
    /// Signs a 32-byte hash, writing the 65-byte recoverable signature r || s || v (v is the recovery
    /// id, 0 or 1; s is always low) to the start of <paramref name="signature"/>. Deterministic:
    /// nonces are RFC 6979, so the same key and hash give the same signature.
    /// </summary>
    /// <exception cref="ArgumentException">The hash is not 32 bytes or the destination is shorter than 65.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public void Sign(ReadOnlySpan<byte> hash, Span<byte> signature)
    {
        Secp256k1.CheckHashLength(hash);
        if (signature.Length < Secp256k1.SignatureLength)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(signature), Secp256k1.SignatureLength, signature.Length);
        }

        Secp256k1.Sign(Secret, hash, signature);
    }

    /// <summary>
    /// Computes the ECDH shared secret with <paramref name="remote"/> as RLPx defines it: the raw
    /// 32-byte big-endian x coordinate of this·remote (not libsecp256k1's default SHA-256 of the
    /// point). Symmetric: a.Ecdh(B) equals b.Ecdh(A). The caller owns, and should zero, the output.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="sharedX"/> is shorter than 32 bytes, or <paramref name="remote"/> is <c>default</c>.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public unsafe void Ecdh(in PublicKey remote, Span<byte> sharedX)
    {
        if (sharedX.Length < Secp256k1.SharedSecretLength)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(sharedX), Secp256k1.SharedSecretLength, sharedX.Length);
        }

        ReadOnlySpan<byte> secret = Secret;
        byte* native = stackalloc byte[Internal.Secp256k1Native.OpaqueStructLength];
        remote.ToNative(native);
        Secp256k1.Ecdh(secret, native, sharedX);
    }

    /// <summary>Zeroes the secret. Later calls that need it throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
    }

    /// <summary>The 32 secret bytes, for ECIES inside this assembly. Never stored by callers.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    internal ReadOnlySpan<byte> Secret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secret;
        }
    }

    [DoesNotReturn]
    private static void ThrowOutOfRange(ReadOnlySpan<byte> secretKey)
    {
        // Only reached for an invalid key, so this non-constant-time check leaks nothing worth keeping.
        string reason = secretKey.IndexOfAnyExcept((byte)0) < 0
            ? "Private key is zero; it must be in [1, n-1]."
            : "Private key is not below the secp256k1 group order n (0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141).";
        throw new ArgumentException(reason, nameof(secretKey));
    }
}
