using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Devp2p.Crypto.Internal;

namespace Devp2p.Crypto;

/// <summary>
/// A validated secp256k1 public key, held as 64 bytes x || y inline (no heap allocation, cheap to
/// copy, usable as a dictionary key). Every instance made through a constructor or factory is a point
/// on the curve; <c>default(PublicKey)</c> is not, and operations on it throw <see cref="ArgumentException"/>.
/// </summary>
/// <remarks>
/// The library's parsed form is not stored: it is platform-specific, so each operation re-parses
/// 0x04 || x || y, which costs a field-element load and an on-curve check (well under a microsecond,
/// see the Secp256k1 benchmarks), next to tens of microseconds for the operation itself.
/// </remarks>
public readonly unsafe struct PublicKey : IEquatable<PublicKey>
{
    private const byte UncompressedPrefix = 0x04;
    private const byte CompressedEvenPrefix = 0x02;
    private const byte CompressedOddPrefix = 0x03;

    private readonly PublicKeyBytes _bytes;

    /// <summary>
    /// Parses and validates a public key in any of its encodings: 64 bytes x || y (devp2p node IDs),
    /// 65 bytes 0x04 || x || y (SEC 1 uncompressed), or 33 bytes 0x02/0x03 || x (SEC 1 compressed).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The length is not 33, 64 or 65, the prefix byte does not match the length (hybrid 0x06/0x07
    /// encodings are refused, as go-ethereum refuses them), or the point is not on the curve.
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public PublicKey(ReadOnlySpan<byte> encoded)
    {
        ParseError error = TryParseCore(encoded, out this);
        if (error != ParseError.None)
        {
            ThrowParse(error, encoded);
        }
    }

    private PublicKey(in PublicKeyBytes bytes) => _bytes = bytes;

    private enum ParseError
    {
        None,
        Length,
        Prefix,
        NotOnCurve,
    }

    /// <summary>Parses like the constructor but returns false instead of throwing on malformed input.</summary>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static bool TryParse(ReadOnlySpan<byte> encoded, out PublicKey key) =>
        TryParseCore(encoded, out key) == ParseError.None;

    /// <summary>
    /// Parses hex (optionally 0x-prefixed) of any encoding the constructor accepts; the usual form is
    /// the 128-character node ID of an enode URL.
    /// </summary>
    /// <exception cref="FormatException">The text is not hex, or the bytes are not a valid public key (the message says why).</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PublicKey FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        ReadOnlySpan<char> digits = hex.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        Span<byte> bytes = stackalloc byte[Secp256k1.UncompressedPublicKeyLength];
        if (digits.Length > 2 * bytes.Length
            || Convert.FromHexString(digits, bytes, out _, out int written) != OperationStatus.Done)
        {
            throw new FormatException(
                $"Public key hex must be 66, 128 or 130 hex digits; got {digits.Length} characters that are not all hex or too many.");
        }

        ParseError error = TryParseCore(bytes[..written], out PublicKey key);
        if (error != ParseError.None)
        {
            throw new FormatException(Describe(error, bytes[..written]));
        }

        return key;
    }

    /// <summary>
    /// Recovers the signer's key from a 32-byte hash and a 65-byte signature r || s || v
    /// (see <see cref="Secp256k1.Recover"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong or the signature is invalid (the message says why).</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PublicKey Recover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        PublicKeyBytes bytes = default;
        Secp256k1.Recover(hash, signature, bytes);
        return new PublicKey(bytes);
    }

    /// <summary>Recovers like <see cref="Recover"/> but returns false for an invalid signature.</summary>
    /// <exception cref="ArgumentException">A length is wrong (a caller bug, not bad data).</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static bool TryRecover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, out PublicKey key)
    {
        PublicKeyBytes bytes = default;
        if (Secp256k1.TryRecover(hash, signature, bytes))
        {
            key = new PublicKey(bytes);
            return true;
        }

        key = default;
        return false;
    }

    /// <summary>
    /// Verifies an ECDSA signature over a 32-byte hash. <paramref name="signature"/> is r || s
    /// (64 bytes) or r || s || v (65 bytes, v ignored). High-s signatures are rejected as malleable,
    /// as go-ethereum's <c>crypto.VerifySignature</c> rejects them.
    /// </summary>
    /// <returns>True when the signature is valid for this key and hash.</returns>
    /// <exception cref="ArgumentException">The hash is not 32 bytes, the signature not 64 or 65, or this is <c>default(PublicKey)</c>.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public bool Verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        Secp256k1.CheckHashLength(hash);
        if (signature.Length is not (Secp256k1.CompactSignatureLength or Secp256k1.SignatureLength))
        {
            throw new ArgumentException($"Signature must be 64 or 65 bytes, got {signature.Length}.", nameof(signature));
        }

        byte* native = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        ToNative(native);
        return Secp256k1.Verify(native, hash, signature[..Secp256k1.CompactSignatureLength]);
    }

    /// <summary>Writes x || y (64 bytes) to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 64 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Secp256k1.PublicKeyLength)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(destination), Secp256k1.PublicKeyLength, destination.Length);
        }

        ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);
    }

    /// <summary>Writes the 33-byte SEC 1 compressed encoding (as ENR's "secp256k1" entry holds it).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 33 bytes, or this is <c>default(PublicKey)</c>.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public void WriteCompressed(Span<byte> destination)
    {
        if (destination.Length < Secp256k1.CompressedPublicKeyLength)
        {
            Secp256k1.ThrowDestinationTooShort(nameof(destination), Secp256k1.CompressedPublicKeyLength, destination.Length);
        }

        // Compression is just the parity of y, but going through the library keeps one source of truth.
        byte* native = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        ToNative(native);
        Secp256k1.SerializeCompressed(native, destination);
    }

    /// <summary>Lowercase hex of x || y (128 characters, no prefix), the enode URL form.</summary>
    public string ToHex() => Convert.ToHexStringLower(_bytes);

    /// <summary>Same as <see cref="ToHex"/>.</summary>
    public override string ToString() => ToHex();

    /// <summary>True when both keys are the same point.</summary>
    public bool Equals(PublicKey other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is PublicKey other && Equals(other);

    /// <summary>
    /// A hash of all 64 bytes with the process-randomized <see cref="HashCode"/> seed, so peers that
    /// grind keys cannot aim for one dictionary bucket.
    /// </summary>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>True when both keys are the same point.</summary>
    public static bool operator ==(PublicKey left, PublicKey right) => left.Equals(right);

    /// <summary>True when the keys differ.</summary>
    public static bool operator !=(PublicKey left, PublicKey right) => !left.Equals(right);

    /// <summary>Wraps x || y that the library has just produced (and therefore validated).</summary>
    internal static PublicKey FromValidated(ReadOnlySpan<byte> xy)
    {
        PublicKeyBytes bytes = default;
        xy.CopyTo(bytes);
        return new PublicKey(bytes);
    }

    /// <summary>Parses x || y into the library's opaque 64-byte form at <paramref name="native"/>.</summary>
    /// <exception cref="ArgumentException">This is <c>default(PublicKey)</c>.</exception>
    internal void ToNative(byte* native)
    {
        if (!Secp256k1.TryParseNativeXy(_bytes, native))
        {
            ThrowNotAKey();
        }
    }

    private static ParseError TryParseCore(ReadOnlySpan<byte> encoded, out PublicKey key)
    {
        key = default;
        byte* native = stackalloc byte[Secp256k1Native.OpaqueStructLength];
        bool parsed;
        switch (encoded.Length)
        {
            case Secp256k1.PublicKeyLength:
                parsed = Secp256k1.TryParseNativeXy(encoded, native);
                break;
            case Secp256k1.UncompressedPublicKeyLength:
                // Checked here because the library also accepts the hybrid prefixes 0x06/0x07.
                if (encoded[0] != UncompressedPrefix)
                {
                    return ParseError.Prefix;
                }

                parsed = Secp256k1.TryParseNative(encoded, native);
                break;
            case Secp256k1.CompressedPublicKeyLength:
                if (encoded[0] is not (CompressedEvenPrefix or CompressedOddPrefix))
                {
                    return ParseError.Prefix;
                }

                parsed = Secp256k1.TryParseNative(encoded, native);
                break;
            default:
                return ParseError.Length;
        }

        if (!parsed)
        {
            return ParseError.NotOnCurve;
        }

        PublicKeyBytes bytes = default;
        Secp256k1.SerializeXy(native, bytes);
        key = new PublicKey(bytes);
        return ParseError.None;
    }

    private static string Describe(ParseError error, ReadOnlySpan<byte> encoded) => error switch
    {
        ParseError.Length =>
            $"A public key is 64 bytes (x || y), 65 (0x04 || x || y) or 33 (0x02/0x03 || x); got {encoded.Length} bytes.",
        ParseError.Prefix => encoded.Length == Secp256k1.UncompressedPublicKeyLength
            ? $"A 65-byte public key must start with 0x04; got 0x{encoded[0]:x2}."
            : $"A 33-byte public key must start with 0x02 or 0x03; got 0x{encoded[0]:x2}.",
        _ => "The public key is not a point on secp256k1 (a coordinate is not below the field prime, or y² ≠ x³ + 7, or no y exists for x).",
    };

    [DoesNotReturn]
    private static void ThrowParse(ParseError error, ReadOnlySpan<byte> encoded) =>
        throw new ArgumentException(Describe(error, encoded), nameof(encoded));

    [DoesNotReturn]
    private static void ThrowNotAKey() =>
        throw new ArgumentException("default(PublicKey) is not a public key; create one by parsing, recovering or from a PrivateKey.");
}
