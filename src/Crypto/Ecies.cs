using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Devp2p.Crypto.Internal;

namespace Devp2p.Crypto;

/// <summary>
/// ECIES over secp256k1 exactly as RLPx uses it for the auth and ack handshake messages
/// (ethereum/devp2p rlpx.md, "ECIES Encryption"; go-ethereum crypto/ecies with
/// ECIES_AES128_SHA256). The wire layout is
/// <c>0x04 || R (64) || iv (16) || AES-128-CTR(kE, iv, m) || HMAC-SHA-256(kM, iv || c || sharedMacData) (32)</c>,
/// where R is a fresh ephemeral public key, kE || kM' = concat-KDF-SHA-256(x of ECDH(r, recipient))
/// (one 32-byte block, counter 1, no shared info) and kM = SHA-256(kM').
/// </summary>
/// <remarks>
/// For EIP-8 auth/ack packets <c>sharedMacData</c> is the 2-byte big-endian size prefix that precedes
/// the ciphertext on the wire; for legacy (pre-EIP-8) packets it is empty.
/// Secrets (the ephemeral key, the ECDH x coordinate, the derived keys) live in stack buffers and are
/// zeroed before returning. Per call, the only heap allocation is the <see cref="AesCtr"/> instance
/// and whatever it allocates internally; a MAC input over 1 KiB with non-empty shared MAC data
/// borrows an <see cref="ArrayPool{T}"/> buffer. ECIES runs twice per connection, never per frame.
/// Thread-safe: nothing is shared between calls.
/// </remarks>
public static unsafe class Ecies
{
    /// <summary>Bytes added to the plaintext: 65 (ephemeral key) + 16 (IV) + 32 (tag) = 113.</summary>
    public const int Overhead = EphemeralKeyLength + IvLength + TagLength;

    private const int EphemeralKeyLength = Secp256k1.UncompressedPublicKeyLength;
    private const int IvLength = 16;
    private const int TagLength = 32;
    private const int AesKeyLength = 16;
    private const int KdfOutputLength = 2 * AesKeyLength;
    private const int MacKeyLength = 32;
    private const int KdfCounterLength = 4;
    private const uint KdfFirstCounter = 1;
    private const int IvOffset = EphemeralKeyLength;
    private const int BodyOffset = IvOffset + IvLength;
    private const byte UncompressedPrefix = 0x04;

    /// <summary>
    /// MAC inputs up to this size are assembled on the stack when shared MAC data must follow the
    /// ciphertext; handshake messages (at most 2 KiB, usually 200-500 bytes) mostly fit.
    /// </summary>
    private const int MacInputStackLimit = 1024;

    /// <summary>The ciphertext length for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or the result would not fit in an int.</exception>
    public static int GetCiphertextLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plaintextLength, int.MaxValue - Overhead);
        return plaintextLength + Overhead;
    }

    /// <summary>The plaintext length carried by a ciphertext of <paramref name="ciphertextLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is below <see cref="Overhead"/>.</exception>
    public static int GetPlaintextLength(int ciphertextLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ciphertextLength, Overhead);
        return ciphertextLength - Overhead;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> to <paramref name="recipient"/> with a fresh ephemeral key
    /// and IV, writing <see cref="GetCiphertextLength"/> bytes to the start of <paramref name="destination"/>.
    /// </summary>
    /// <param name="recipient">The recipient's static public key.</param>
    /// <param name="plaintext">
    /// The message. It may be empty. It must not overlap <paramref name="destination"/>, except that it
    /// may sit exactly at <c>destination[81..]</c> (its place in the output) to encrypt in place.
    /// </param>
    /// <param name="sharedMacData">Authenticated, not encrypted, not written: the EIP-8 size prefix, or empty.</param>
    /// <param name="destination">Receives the ciphertext; not kept after the call.</param>
    /// <returns>The number of bytes written: plaintext length + <see cref="Overhead"/>.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short or overlaps the plaintext other than in place, or
    /// <paramref name="recipient"/> is <c>default</c>.
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static int Encrypt(in PublicKey recipient, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> sharedMacData, Span<byte> destination)
    {
        int length = CheckEncryptArguments(plaintext, destination);
        Span<byte> ephemeralSecret = stackalloc byte[Secp256k1.SecretKeyLength];
        Span<byte> iv = stackalloc byte[IvLength];
        try
        {
            Secp256k1.GenerateSecretKey(ephemeralSecret);
            RandomNumberGenerator.Fill(iv);
            EncryptCore(recipient, plaintext, sharedMacData, destination, ephemeralSecret, default, iv);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralSecret);
        }

        return length;
    }

    /// <summary>
    /// Encrypts as <see cref="Encrypt(in PublicKey, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>,
    /// but with an ephemeral key made ahead of time, so the fixed-base multiplication of key
    /// generation happens off the latency path (the RLPx handshake makes it while it waits for the
    /// network). The IV is fresh and random.
    /// </summary>
    /// <param name="recipient">The recipient's static public key.</param>
    /// <param name="ephemeralKey">
    /// A fresh key from <see cref="PrivateKey.Generate"/>, for this one message only: its public key
    /// goes on the wire, and a second message under it would share the first one's ECIES keys.
    /// Borrowed; the caller disposes it.
    /// </param>
    /// <param name="plaintext">The message; may sit exactly at <c>destination[81..]</c> to encrypt in place.</param>
    /// <param name="sharedMacData">Authenticated, not encrypted, not written: the EIP-8 size prefix, or empty.</param>
    /// <param name="destination">Receives the ciphertext; not kept after the call.</param>
    /// <returns>The number of bytes written: plaintext length + <see cref="Overhead"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ephemeralKey"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is too short or overlaps the plaintext other than in place, or
    /// <paramref name="recipient"/> is <c>default</c>.
    /// </exception>
    /// <exception cref="ObjectDisposedException"><paramref name="ephemeralKey"/> was disposed.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static int Encrypt(in PublicKey recipient, PrivateKey ephemeralKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> sharedMacData, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        int length = CheckEncryptArguments(plaintext, destination);
        Span<byte> iv = stackalloc byte[IvLength];
        RandomNumberGenerator.Fill(iv);
        EncryptCore(recipient, plaintext, sharedMacData, destination, ephemeralKey.Secret, ephemeralKey.PublicKey, iv);
        return length;
    }

    /// <summary>
    /// Decrypts an ECIES message addressed to <paramref name="key"/>. The tag is checked, in constant
    /// time, before anything is decrypted; on failure nothing is written to <paramref name="destination"/>.
    /// </summary>
    /// <param name="key">The recipient's private key.</param>
    /// <param name="ciphertext">The whole ECIES message (for EIP-8 packets: without the 2-byte size prefix).</param>
    /// <param name="sharedMacData">The same bytes the sender authenticated: the EIP-8 size prefix, or empty.</param>
    /// <param name="destination">
    /// Receives <c>ciphertext.Length - 113</c> bytes. It must not overlap <paramref name="ciphertext"/>,
    /// except that it may start exactly at <c>ciphertext[81..]</c> to decrypt in place.
    /// </param>
    /// <returns>The plaintext length.</returns>
    /// <exception cref="EciesException">
    /// The message is shorter than <see cref="Overhead"/>, its ephemeral key is not an uncompressed
    /// curve point, or the tag does not match (altered message, wrong key, or different shared MAC data).
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short or overlaps other than in place.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="key"/> was disposed.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static int Decrypt(PrivateKey key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> sharedMacData, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ciphertext.Length < Overhead)
        {
            ThrowTruncated(ciphertext.Length);
        }

        int length = ciphertext.Length - Overhead;
        if (destination.Length < length)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(destination), length, destination.Length);
        }

        CheckOverlap(ciphertext, destination, nameof(destination));
        ReadOnlySpan<byte> secret = key.Secret;

        if (ciphertext[0] != UncompressedPrefix)
        {
            // go-ethereum reads a fixed 65-byte R, so only the uncompressed form can be valid here.
            ThrowBadEphemeralPrefix(ciphertext[0]);
        }

        byte* ephemeralPublicKey = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        if (!Secp256k1.TryParseNative(ciphertext[..EphemeralKeyLength], ephemeralPublicKey))
        {
            ThrowBadEphemeralPoint();
        }

        ReadOnlySpan<byte> ivAndBody = ciphertext.Slice(IvOffset, IvLength + length);
        Span<byte> keys = stackalloc byte[KdfOutputLength];
        Span<byte> macKey = stackalloc byte[MacKeyLength];
        Span<byte> tag = stackalloc byte[TagLength];
        try
        {
            DeriveKeys(secret, ephemeralPublicKey, keys, macKey);
            ComputeTag(macKey, ivAndBody, sharedMacData, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, ciphertext[^TagLength..]))
            {
                ThrowTagMismatch();
            }

            using var aes = new AesCtr(keys[..AesKeyLength], ivAndBody[..IvLength]);
            aes.Transform(ivAndBody[IvLength..], destination[..length]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
            CryptographicOperations.ZeroMemory(macKey);
        }

        return length;
    }

    /// <summary>
    /// Encrypts with a caller-chosen ephemeral key and IV, for deterministic tests against other
    /// implementations. Never use fixed values outside tests: reusing an IV with the same key
    /// exposes the XOR of the plaintexts.
    /// </summary>
    internal static int Encrypt(
        in PublicKey recipient,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> sharedMacData,
        Span<byte> destination,
        PrivateKey ephemeralKey,
        ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        if (iv.Length != IvLength)
        {
            Secp256k1.ThrowLength(nameof(iv), IvLength, iv.Length);
        }

        int length = CheckEncryptArguments(plaintext, destination);
        EncryptCore(recipient, plaintext, sharedMacData, destination, ephemeralKey.Secret, ephemeralKey.PublicKey, iv);
        return length;
    }

    private static int CheckEncryptArguments(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int length = GetCiphertextLength(plaintext.Length);
        if (destination.Length < length)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(destination), length, destination.Length);
        }

        CheckOverlap(destination, plaintext, nameof(plaintext));
        return length;
    }

    private static void EncryptCore(
        in PublicKey recipient,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> sharedMacData,
        Span<byte> destination,
        ReadOnlySpan<byte> ephemeralSecret,
        in PublicKey ephemeralPublicKey,
        ReadOnlySpan<byte> iv)
    {
        // Parsed before anything is written, so a default recipient fails with the output untouched.
        byte* recipientPublicKey = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        recipient.ToNative(recipientPublicKey);

        Span<byte> keys = stackalloc byte[KdfOutputLength];
        Span<byte> macKey = stackalloc byte[MacKeyLength];
        try
        {
            DeriveKeys(ephemeralSecret, recipientPublicKey, keys, macKey);

            // The header goes first: an in-place plaintext starts at BodyOffset and is not touched by it.
            destination[0] = UncompressedPrefix;
            if (ephemeralPublicKey == default)
            {
                Secp256k1.DerivePublicKey(ephemeralSecret, destination.Slice(1, Secp256k1.PublicKeyLength));
            }
            else
            {
                ephemeralPublicKey.WriteTo(destination.Slice(1, Secp256k1.PublicKeyLength));
            }

            iv.CopyTo(destination.Slice(IvOffset, IvLength));

            using (var aes = new AesCtr(keys[..AesKeyLength], iv))
            {
                aes.Transform(plaintext, destination.Slice(BodyOffset, plaintext.Length));
            }

            ComputeTag(
                macKey,
                destination.Slice(IvOffset, IvLength + plaintext.Length),
                sharedMacData,
                destination.Slice(BodyOffset + plaintext.Length, TagLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    /// <summary>
    /// kE || kM' = SHA-256(00000001 || z), the first and only block of the NIST SP 800-56 concat KDF
    /// for 32 bytes of key material; kM = SHA-256(kM') as go-ethereum's ecies does.
    /// </summary>
    private static void DeriveKeys(ReadOnlySpan<byte> secret, byte* publicKey, Span<byte> keys, Span<byte> macKey)
    {
        Span<byte> kdfInput = stackalloc byte[KdfCounterLength + Secp256k1.SharedSecretLength];
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(kdfInput, KdfFirstCounter);
            Secp256k1.Ecdh(secret, publicKey, kdfInput[KdfCounterLength..]);
            SHA256.HashData(kdfInput, keys);
            SHA256.HashData(keys[AesKeyLength..], macKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kdfInput);
        }
    }

    /// <summary>HMAC-SHA-256(macKey, ivAndBody || sharedMacData) into <paramref name="tag"/>.</summary>
    private static void ComputeTag(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> ivAndBody, ReadOnlySpan<byte> sharedMacData, Span<byte> tag)
    {
        if (sharedMacData.IsEmpty)
        {
            HMACSHA256.HashData(macKey, ivAndBody, tag);
            return;
        }

        // The one-shot HMAC takes one contiguous input and IncrementalHash would allocate per call,
        // so the two public pieces are joined in a scratch buffer (no secret is copied).
        long total = (long)ivAndBody.Length + sharedMacData.Length;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException("Ciphertext plus shared MAC data exceed the maximum array length.", nameof(sharedMacData));
        }

        byte[]? rented = null;
        Span<byte> scratch = total <= MacInputStackLimit
            ? stackalloc byte[MacInputStackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent((int)total));
        try
        {
            Span<byte> input = scratch[..(int)total];
            ivAndBody.CopyTo(input);
            sharedMacData.CopyTo(input[ivAndBody.Length..]);
            HMACSHA256.HashData(macKey, input, tag);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Allows <paramref name="inner"/> to overlap <paramref name="outer"/> only at the message body's
    /// offset (in-place CTR is safe there; anywhere else the output would overwrite unread input).
    /// </summary>
    private static void CheckOverlap(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner, string parameterName)
    {
        if (outer.Overlaps(inner, out int offset) && offset != BodyOffset)
        {
            throw new ArgumentException(
                $"The plaintext and ciphertext buffers overlap at offset {offset}; they must be disjoint, or the plaintext must sit exactly at ciphertext offset {BodyOffset}.",
                parameterName);
        }
    }

    [DoesNotReturn]
    private static void ThrowTruncated(int length) =>
        throw new EciesException(
            $"ECIES message is {length} bytes, shorter than the {Overhead}-byte minimum (65-byte ephemeral key, 16-byte IV, 32-byte tag).");

    [DoesNotReturn]
    private static void ThrowBadEphemeralPrefix(byte prefix) =>
        throw new EciesException($"ECIES ephemeral public key must start with 0x04 (uncompressed); got 0x{prefix:x2}.");

    [DoesNotReturn]
    private static void ThrowBadEphemeralPoint() =>
        throw new EciesException("ECIES ephemeral public key is not a point on secp256k1.");

    [DoesNotReturn]
    private static void ThrowTagMismatch() =>
        throw new EciesException(
            "ECIES authentication tag does not match: the message was altered, was encrypted to a different key, or the shared MAC data differs.");
}
