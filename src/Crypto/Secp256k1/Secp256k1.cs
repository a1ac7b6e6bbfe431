using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Devp2p.Crypto.Internal;

namespace Devp2p.Crypto;

/// <summary>
/// secp256k1 over the system libsecp256k1: availability, sizes, and public-key recovery from a
/// recoverable signature. Keys, signing and ECDH live on <see cref="PrivateKey"/> and
/// <see cref="PublicKey"/>.
/// </summary>
/// <remarks>
/// All operations are thread-safe and allocate nothing: they share one randomized library context,
/// created on first use. Every member that computes throws <see cref="NativeLibraryMissingException"/>
/// when the library cannot be loaded.
/// </remarks>
public static unsafe class Secp256k1
{
    /// <summary>Length of a secret key: a 32-byte big-endian scalar in [1, n-1].</summary>
    public const int SecretKeyLength = 32;

    /// <summary>Length of a public key as devp2p writes it (node IDs, handshakes): x || y, no prefix.</summary>
    public const int PublicKeyLength = 64;

    /// <summary>Length of the SEC 1 uncompressed encoding, 0x04 || x || y.</summary>
    public const int UncompressedPublicKeyLength = 65;

    /// <summary>Length of the SEC 1 compressed encoding, 0x02/0x03 || x (used by ENR).</summary>
    public const int CompressedPublicKeyLength = 33;

    /// <summary>Length of the message hash that is signed or recovered from.</summary>
    public const int HashLength = 32;

    /// <summary>Length of a recoverable signature: r (32) || s (32) || recovery id (1, 0..3).</summary>
    public const int SignatureLength = 65;

    /// <summary>Length of a signature without the recovery id: r || s.</summary>
    public const int CompactSignatureLength = 64;

    /// <summary>Length of the ECDH shared secret: the raw x coordinate of the shared point.</summary>
    public const int SharedSecretLength = 32;

    private const int MaxRecoveryId = 3;
    private const byte UncompressedPrefix = 0x04;

    /// <summary>
    /// True when libsecp256k1 (with the ecdh and recovery modules) loads. The first call loads it;
    /// a negative answer is not cached, so it turns true once the library is installed.
    /// </summary>
    public static bool IsAvailable => Secp256k1Context.TryInitialize();

    /// <summary>Loads the library now, so a missing installation is reported at start-up, not at the first handshake.</summary>
    /// <exception cref="NativeLibraryMissingException">The library is not installed; the message says how to install it.</exception>
    public static void EnsureAvailable() => _ = Secp256k1Context.Handle;

    /// <summary>
    /// Recovers the signer's public key (64 bytes, x || y) from a 32-byte hash and a 65-byte
    /// recoverable signature r || s || v, as go-ethereum's <c>crypto.Ecrecover</c> does (v in 0..3,
    /// high-s signatures accepted).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A length is wrong, the recovery id is above 3, r or s is not below the group order, or no
    /// public key recovers from the signature. Use <see cref="TryRecover"/> to branch instead.
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static void Recover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, Span<byte> publicKey)
    {
        CheckRecoverArguments(hash, signature, publicKey);
        RecoveryResult result = RecoverCore(hash, signature, publicKey);
        if (result != RecoveryResult.Success)
        {
            ThrowRecoveryFailed(result, signature);
        }
    }

    /// <summary>
    /// Like <see cref="Recover"/>, but returns false instead of throwing when the signature is
    /// invalid (bad recovery id, r or s out of range, nothing recovers). <paramref name="publicKey"/>
    /// is unspecified on failure.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong (a caller bug, not bad data).</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static bool TryRecover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, Span<byte> publicKey)
    {
        CheckRecoverArguments(hash, signature, publicKey);
        return RecoverCore(hash, signature, publicKey) == RecoveryResult.Success;
    }

    /// <summary>True when <paramref name="secretKey"/> is 32 bytes in [1, n-1] (constant time in the library).</summary>
    internal static bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != SecretKeyLength)
        {
            return false;
        }

        nint context = Secp256k1Context.Handle;
        fixed (byte* secret = secretKey)
        {
            return Secp256k1Native.SecretKeyVerify(context, secret) == 1;
        }
    }

    /// <summary>Fills <paramref name="secretKey"/> with a uniformly random valid secret key.</summary>
    internal static void GenerateSecretKey(Span<byte> secretKey)
    {
        // A random 256-bit string is >= n with probability about 2^-128, and zero with 2^-256;
        // redrawing keeps the distribution uniform over [1, n-1].
        do
        {
            RandomNumberGenerator.Fill(secretKey);
        }
        while (!IsValidSecretKey(secretKey));
    }

    /// <summary>Computes x || y of secretKey·G. The secret key must already be valid.</summary>
    internal static void DerivePublicKey(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        nint context = Secp256k1Context.Handle;
        byte* native = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        fixed (byte* secret = secretKey)
        {
            if (Secp256k1Native.PublicKeyCreate(context, native, secret) != 1)
            {
                ThrowInvalidSecretKey();
            }
        }

        SerializeXy(context, native, publicKey);
    }

    /// <summary>Writes a recoverable signature r || s || v over a 32-byte hash, with RFC 6979 nonces.</summary>
    internal static void Sign(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> hash, Span<byte> signature)
    {
        nint context = Secp256k1Context.Handle;
        byte* native = stackalloc byte[Secp256k1Native.OpaqueRecoverableSignatureLength];
        int recoveryId;
        fixed (byte* secret = secretKey)
        fixed (byte* message = hash)
        fixed (byte* output = signature)
        {
            // A NULL nonce function selects the library's RFC 6979 default, and the library always
            // produces low-s signatures, so v is 0 or 1 except with negligible probability.
            if (Secp256k1Native.SignRecoverable(context, native, message, secret, 0, 0) != 1)
            {
                ThrowInvalidSecretKey();
            }

            Secp256k1Native.RecoverableSignatureSerializeCompact(context, output, &recoveryId, native);
        }

        signature[CompactSignatureLength] = (byte)recoveryId;
    }

    /// <summary>
    /// Writes the raw 32-byte x coordinate of secretKey·Q, where Q is the parsed public key in
    /// <paramref name="nativePublicKey"/>. The secret key must already be valid.
    /// </summary>
    internal static void Ecdh(ReadOnlySpan<byte> secretKey, byte* nativePublicKey, Span<byte> sharedX)
    {
        nint context = Secp256k1Context.Handle;
        fixed (byte* secret = secretKey)
        fixed (byte* output = sharedX)
        {
            // The default hash function would return SHA-256(compressed point); RLPx (and go-ethereum's
            // ecies.GenerateShared) uses the bare x coordinate, so a hash function that copies x is passed.
            nint copyX = (nint)(delegate* unmanaged[Cdecl]<byte*, byte*, byte*, nint, int>)&CopyX;
            if (Secp256k1Native.Ecdh(context, output, nativePublicKey, secret, copyX, 0) != 1)
            {
                ThrowInvalidSecretKey();
            }
        }
    }

    /// <summary>
    /// Parses a SEC 1 encoding (33 or 65 bytes, prefix already checked by the caller) into the
    /// library's opaque form; false when the point is not on the curve.
    /// </summary>
    internal static bool TryParseNative(ReadOnlySpan<byte> encoded, byte* nativePublicKey)
    {
        nint context = Secp256k1Context.Handle;
        fixed (byte* input = encoded)
        {
            return Secp256k1Native.PublicKeyParse(context, nativePublicKey, input, (nuint)encoded.Length) == 1;
        }
    }

    /// <summary>Parses x || y (64 bytes) into the library's opaque form; false when not on the curve.</summary>
    internal static bool TryParseNativeXy(ReadOnlySpan<byte> xy, byte* nativePublicKey)
    {
        byte* encoded = stackalloc byte[UncompressedPublicKeyLength];
        encoded[0] = UncompressedPrefix;
        xy.CopyTo(new Span<byte>(encoded + 1, PublicKeyLength));
        return TryParseNative(new ReadOnlySpan<byte>(encoded, UncompressedPublicKeyLength), nativePublicKey);
    }

    /// <summary>Writes x || y (64 bytes) of a parsed public key.</summary>
    internal static void SerializeXy(byte* nativePublicKey, Span<byte> xy) =>
        SerializeXy(Secp256k1Context.Handle, nativePublicKey, xy);

    /// <summary>Writes the 33-byte compressed encoding of a parsed public key.</summary>
    internal static void SerializeCompressed(byte* nativePublicKey, Span<byte> destination)
    {
        nint context = Secp256k1Context.Handle;
        nuint length = CompressedPublicKeyLength;
        fixed (byte* output = destination)
        {
            Secp256k1Native.PublicKeySerialize(context, output, &length, nativePublicKey, Secp256k1Native.SerializeCompressed);
        }
    }

    /// <summary>
    /// Verifies r || s (the first 64 bytes of <paramref name="signature"/>) against a parsed public key.
    /// False for r or s out of range and for high-s signatures, which the library (like go-ethereum's
    /// <c>VerifySignature</c>) rejects as malleable.
    /// </summary>
    internal static bool Verify(byte* nativePublicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        nint context = Secp256k1Context.Handle;
        byte* native = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        fixed (byte* input = signature)
        fixed (byte* message = hash)
        {
            return Secp256k1Native.SignatureParseCompact(context, native, input) == 1
                && Secp256k1Native.Verify(context, native, message, nativePublicKey) == 1;
        }
    }

    /// <summary>Recovers into x || y; lengths must already be checked.</summary>
    internal static RecoveryResult RecoverCore(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, Span<byte> publicKey)
    {
        int recoveryId = signature[CompactSignatureLength];
        if (recoveryId > MaxRecoveryId)
        {
            // Checked here because the library treats it as an illegal argument and aborts.
            return RecoveryResult.InvalidRecoveryId;
        }

        nint context = Secp256k1Context.Handle;
        byte* nativeSignature = stackalloc byte[Secp256k1Native.OpaqueRecoverableSignatureLength];
        byte* nativePublicKey = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        fixed (byte* input = signature)
        fixed (byte* message = hash)
        {
            if (Secp256k1Native.RecoverableSignatureParseCompact(context, nativeSignature, input, recoveryId) != 1)
            {
                return RecoveryResult.ScalarOutOfRange;
            }

            if (Secp256k1Native.Recover(context, nativePublicKey, nativeSignature, message) != 1)
            {
                return RecoveryResult.NoPublicKey;
            }
        }

        SerializeXy(context, nativePublicKey, publicKey);
        return RecoveryResult.Success;
    }

    /// <summary>Checks the lengths shared by every recover entry point.</summary>
    internal static void CheckRecoverArguments(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, Span<byte> publicKey)
    {
        CheckHashLength(hash);
        if (signature.Length != SignatureLength)
        {
            ThrowLength(nameof(signature), SignatureLength, signature.Length);
        }

        if (publicKey.Length < PublicKeyLength)
        {
            ThrowDestinationTooShort(nameof(publicKey), PublicKeyLength, publicKey.Length);
        }
    }

    /// <summary>Throws unless <paramref name="hash"/> is exactly 32 bytes.</summary>
    internal static void CheckHashLength(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashLength)
        {
            ThrowLength(nameof(hash), HashLength, hash.Length);
        }
    }

    /// <summary>The message for a failed recovery, naming the reason.</summary>
    internal static string DescribeRecoveryFailure(RecoveryResult result, ReadOnlySpan<byte> signature) => result switch
    {
        RecoveryResult.InvalidRecoveryId =>
            $"Signature recovery id is {signature[CompactSignatureLength]}; it must be 0..{MaxRecoveryId}.",
        RecoveryResult.ScalarOutOfRange => "Signature r or s is not below the secp256k1 group order n.",
        _ => "No public key recovers from this signature (r or s is zero, or r is not the x coordinate of a curve point).",
    };

    [DoesNotReturn]
    internal static void ThrowLength(string parameterName, int expected, int actual) =>
        throw new ArgumentException($"Expected {expected} bytes, got {actual}.", parameterName);

    [DoesNotReturn]
    internal static void ThrowDestinationTooShort(string parameterName, int needed, int actual) =>
        throw new ArgumentException($"Destination needs {needed} bytes, got {actual}.", parameterName);

    private static void SerializeXy(nint context, byte* nativePublicKey, Span<byte> xy)
    {
        byte* encoded = stackalloc byte[UncompressedPublicKeyLength];
        nuint length = UncompressedPublicKeyLength;
        Secp256k1Native.PublicKeySerialize(context, encoded, &length, nativePublicKey, Secp256k1Native.SerializeUncompressed);
        new ReadOnlySpan<byte>(encoded + 1, PublicKeyLength).CopyTo(xy);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CopyX(byte* output, byte* x32, byte* y32, nint data)
    {
        Unsafe.CopyBlockUnaligned(output, x32, SharedSecretLength);
        return 1;
    }

    [DoesNotReturn]
    private static void ThrowRecoveryFailed(RecoveryResult result, ReadOnlySpan<byte> signature) =>
        throw new ArgumentException(DescribeRecoveryFailure(result, signature), nameof(signature));

    [DoesNotReturn]
    private static void ThrowInvalidSecretKey() =>
        throw new CryptographicException("libsecp256k1 rejected a secret key that passed validation.");
}
