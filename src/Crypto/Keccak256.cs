using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Devp2p.Crypto.Internal;

namespace Devp2p.Crypto;

/// <summary>
/// Incremental Keccak-256 as Ethereum uses it: the original Keccak submission padding (first pad
/// byte 0x01), NOT NIST SHA3-256 (0x06), so the empty input hashes to c5d24601...a470.
/// </summary>
/// <remarks>
/// A mutable struct of 340 bytes (state, partial block, count) that never touches the heap.
/// <c>default(Keccak256)</c> is a fresh, empty hasher; copying the struct (or
/// <see cref="Clone"/>) copies the running state, which is how the RLPx MACs fork a state
/// cheaply. Because it is mutable, keep it in a field or
/// local and call it there: calling <see cref="Update"/> on a copy (a readonly field, a value
/// returned by a property) updates the copy. Not thread-safe.
/// </remarks>
public struct Keccak256
{
    /// <summary>Length of a digest in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>Bytes absorbed per permutation (the sponge rate, 1088 bits).</summary>
    public const int RateBytes = KeccakF1600.RateBytes;

    /// <summary>Pad byte that starts the pad10*1 padding in the original Keccak (SHA3 uses 0x06).</summary>
    private const byte FirstPadByte = 0x01;

    /// <summary>The closing bit of pad10*1, in the last byte of the block.</summary>
    private const byte LastPadByte = 0x80;

    private KeccakState _state;
    private KeccakBlockBuffer _pending;
    private int _pendingLength;

    /// <summary>Hashes <paramref name="input"/> in one call and writes the digest.</summary>
    /// <param name="input">The message; read only during the call.</param>
    /// <param name="output">Receives the digest in its first <see cref="HashSize"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="HashSize"/>.</exception>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < HashSize)
        {
            ThrowOutputTooShort(output.Length);
        }

        KeccakState state = default;
        int absorbed = KeccakF1600.Absorb(ref state, input);
        Finish(ref state, input[absorbed..], output);
    }

    /// <summary>Absorbs <paramref name="data"/>; the span is not kept after the call.</summary>
    /// <param name="data">The next bytes of the message, of any length.</param>
    public void Update(ReadOnlySpan<byte> data)
    {
        if (_pendingLength != 0)
        {
            Span<byte> pending = _pending;
            int take = Math.Min(RateBytes - _pendingLength, data.Length);
            data[..take].CopyTo(pending[_pendingLength..]);
            _pendingLength += take;
            if (_pendingLength < RateBytes)
            {
                return;
            }

            KeccakF1600.Absorb(ref _state, pending);
            _pendingLength = 0;
            data = data[take..];
        }

        // Whole blocks go straight from the caller's span into the permutation; only a tail
        // shorter than a block is copied.
        int absorbed = KeccakF1600.Absorb(ref _state, data);
        ReadOnlySpan<byte> tail = data[absorbed..];
        tail.CopyTo(_pending);
        _pendingLength = tail.Length;
    }

    /// <summary>
    /// Writes the digest of everything absorbed so far. The running state is not changed, so
    /// the caller may keep calling <see cref="Update"/> (the RLPx MACs digest after every update
    /// and keep absorbing).
    /// </summary>
    /// <param name="output">Receives the digest in its first <see cref="HashSize"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="HashSize"/>.</exception>
    public readonly void Digest(Span<byte> output)
    {
        if (output.Length < HashSize)
        {
            ThrowOutputTooShort(output.Length);
        }

        KeccakState state = _state;
        ReadOnlySpan<byte> pending = _pending;
        Finish(ref state, pending[.._pendingLength], output);
    }

    /// <summary>Returns an independent copy of the running state (the same as copying the struct).</summary>
    /// <returns>A hasher that continues from this point without affecting this one.</returns>
    public readonly Keccak256 Clone() => this;

    /// <summary>
    /// Returns to the empty state. Also zeroes the buffered message bytes, which for a MAC are
    /// derived from secrets.
    /// </summary>
    public void Reset() => this = default;

    /// <summary>
    /// Pads the final partial block <paramref name="tail"/> (shorter than a block), absorbs it
    /// into <paramref name="state"/> and writes the first 32 bytes of the state.
    /// </summary>
    private static void Finish(ref KeccakState state, ReadOnlySpan<byte> tail, Span<byte> output)
    {
        KeccakBlockBuffer block = default;
        Span<byte> padded = block;
        tail.CopyTo(padded);

        // XOR, not assign: with a 135-byte tail both pad bytes land in the last byte (0x81).
        padded[tail.Length] ^= FirstPadByte;
        padded[RateBytes - 1] ^= LastPadByte;
        KeccakF1600.Absorb(ref state, padded);

        BinaryPrimitives.WriteUInt64LittleEndian(output, state[0]);
        BinaryPrimitives.WriteUInt64LittleEndian(output[8..], state[1]);
        BinaryPrimitives.WriteUInt64LittleEndian(output[16..], state[2]);
        BinaryPrimitives.WriteUInt64LittleEndian(output[24..], state[3]);
    }

    [DoesNotReturn]
    private static void ThrowOutputTooShort(int length) =>
        throw new ArgumentException(
            $"The output span must hold at least {HashSize} bytes for a Keccak-256 digest; it holds {length}.",
            "output");
}
