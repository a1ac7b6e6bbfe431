using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Devp2p.Framing.Rlp;

/// <summary>
/// Whole-value RLP operations: encode an <see cref="IRlpEncodable"/> into an exactly sized buffer,
/// decode an <see cref="IRlpDecodable{TSelf}"/> from exactly one top-level item, validate an
/// encoding, and (in the other part of this class) compute encoded lengths ahead of writing.
/// </summary>
/// <remarks>
/// Not named <c>Rlp</c>: a type with its namespace's name makes <c>Rlp.X</c> resolve to the
/// namespace from any code under <c>Devp2p.Framing</c>.
/// </remarks>
public static partial class RlpCodec
{
    /// <summary>
    /// List nesting the validator tracks in stack memory; deeper nesting rents from the array pool
    /// instead of recursing, so hostile nesting can neither overflow the stack nor be refused.
    /// </summary>
    private const int ValidationStackDepth = 64;

    /// <summary>UTF-8 that throws on lone surrogates instead of writing U+FFFD, so text is never silently altered.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes <paramref name="value"/> into the start of <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The value's type; a struct is not boxed.</typeparam>
    /// <param name="value">The value, passed by reference.</param>
    /// <param name="destination">At least <see cref="IRlpEncodable.GetRlpLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    /// <exception cref="InvalidOperationException">The type's <c>Encode</c> and <c>GetRlpLength</c> disagree.</exception>
    public static int Encode<T>(in T value, Span<byte> destination)
        where T : IRlpEncodable
    {
        // AsRef: no defensive copy of a large struct for a call through an `in` parameter.
        ref T source = ref Unsafe.AsRef(in value);
        int length = source.GetRlpLength();
        if (length > destination.Length)
        {
            RlpThrowHelper.ThrowDestinationTooSmall(nameof(destination), length, destination.Length);
        }

        EncodeExactly(ref source, destination[..length]);
        return length;
    }

    /// <summary>Encodes <paramref name="value"/> if it fits; "destination too small" is the one failure reported by the result.</summary>
    /// <typeparam name="T">The value's type; a struct is not boxed.</typeparam>
    /// <param name="value">The value, passed by reference.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="bytesWritten">The encoded length, or 0 when it did not fit.</param>
    /// <returns>False, with nothing written, when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="InvalidOperationException">The type's <c>Encode</c> and <c>GetRlpLength</c> disagree.</exception>
    public static bool TryEncode<T>(in T value, Span<byte> destination, out int bytesWritten)
        where T : IRlpEncodable
    {
        ref T source = ref Unsafe.AsRef(in value);
        int length = source.GetRlpLength();
        if (length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        EncodeExactly(ref source, destination[..length]);
        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// Encodes <paramref name="value"/> into <paramref name="output"/>: asks it for a span of the
    /// exact encoded length, writes, then advances by that length.
    /// </summary>
    /// <typeparam name="T">The value's type; a struct is not boxed.</typeparam>
    /// <param name="value">The value, passed by reference.</param>
    /// <param name="output">The buffer writer, for example a <c>PipeWriter</c>.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidOperationException">The type's <c>Encode</c> and <c>GetRlpLength</c> disagree.</exception>
    public static int Encode<T>(in T value, IBufferWriter<byte> output)
        where T : IRlpEncodable
    {
        ArgumentNullException.ThrowIfNull(output);
        ref T source = ref Unsafe.AsRef(in value);
        int length = source.GetRlpLength();
        EncodeExactly(ref source, output.GetSpan(length)[..length]);
        output.Advance(length);
        return length;
    }

    /// <summary>Encodes <paramref name="value"/> into a new array of exactly its length. Allocates; meant for tools and tests.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value, passed by reference.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="InvalidOperationException">The type's <c>Encode</c> and <c>GetRlpLength</c> disagree.</exception>
    public static byte[] EncodeToArray<T>(in T value)
        where T : IRlpEncodable
    {
        ref T source = ref Unsafe.AsRef(in value);
        byte[] result = new byte[source.GetRlpLength()];
        EncodeExactly(ref source, result);
        return result;
    }

    /// <summary>
    /// Decodes exactly one <typeparamref name="T"/> from <paramref name="encoded"/>, rejecting any
    /// bytes after it (go-ethereum <c>DecodeBytes</c>, <c>ErrMoreThanOneValue</c>).
    /// </summary>
    /// <typeparam name="T">The type to decode; a struct is created without boxing or reflection.</typeparam>
    /// <param name="encoded">The encoding of one value.</param>
    /// <returns>The decoded value.</returns>
    /// <exception cref="RlpException">
    /// The input is malformed, non-canonical, of the wrong shape, or has trailing bytes
    /// (<see cref="RlpError.TrailingBytes"/>).
    /// </exception>
    public static T Decode<T>(ReadOnlySpan<byte> encoded)
        where T : IRlpDecodable<T>
    {
        var reader = new RlpReader(encoded);
        T value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>
    /// Checks that <paramref name="encoded"/> is exactly one well-formed, canonical RLP item,
    /// walking every nested list and byte string (what decoding into geth's <c>interface{}</c>
    /// checks). Integers are not distinguished from byte strings here, so their leading zeros are
    /// left to the typed reads. Runs in linear time with no recursion and no allocation for nesting
    /// up to 64 deep.
    /// </summary>
    /// <param name="encoded">The bytes to check.</param>
    /// <exception cref="RlpException">
    /// The input is empty, any header is malformed or non-canonical, any item overruns its list or
    /// the input, or bytes follow the item.
    /// </exception>
    public static void Validate(ReadOnlySpan<byte> encoded)
    {
        // Iterative walk: `limit` is the end of the innermost open list (or of the input), and the
        // stack holds the ends of the enclosing lists. Each nested list costs at least one byte of
        // input, so the depth is bounded by the input length.
        Span<int> listEnds = stackalloc int[ValidationStackDepth];
        int[]? rented = null;
        try
        {
            int depth = 0;
            int position = 0;
            int limit = encoded.Length;
            do
            {
                RlpKind kind = RlpReader.ParseHeader(
                    encoded[..limit], position, 0, depth > 0, out int headerLength, out int payloadLength);
                if (kind == RlpKind.List)
                {
                    if (depth == listEnds.Length)
                    {
                        int[] larger = ArrayPool<int>.Shared.Rent(depth * 2);
                        listEnds.CopyTo(larger);
                        if (rented is not null)
                        {
                            ArrayPool<int>.Shared.Return(rented);
                        }

                        rented = larger;
                        listEnds = larger;
                    }

                    listEnds[depth++] = limit;
                    position += headerLength;
                    limit = position + payloadLength;
                }
                else
                {
                    position += headerLength + payloadLength;
                }

                // Close every list that ends here; an item can end several at once.
                while (depth > 0 && position == limit)
                {
                    limit = listEnds[--depth];
                }
            }
            while (depth > 0);

            if (position != encoded.Length)
            {
                RlpThrowHelper.ThrowTrailingBytes(position, encoded.Length - position, inList: false);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static void EncodeExactly<T>(ref T value, Span<byte> destination)
        where T : IRlpEncodable
    {
        var writer = new RlpWriter(destination);
        value.Encode(ref writer);
        if (writer.BytesWritten != destination.Length)
        {
            RlpThrowHelper.ThrowLengthMismatch(typeof(T), destination.Length, writer.BytesWritten);
        }
    }
}
