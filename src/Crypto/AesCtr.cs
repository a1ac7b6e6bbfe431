using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Devp2p.Crypto.Internal;

namespace Devp2p.Crypto;

/// <summary>
/// AES in counter mode (AES-128 or AES-256 by key length) over spans, as RLPx frames and ECIES use
/// it. The 128-bit big-endian counter block starts at the IV and is incremented by one per block
/// with the carry running through all 16 bytes (as OpenSSL's and Go's CTR do), wrapping to zero
/// after the all-0xFF block. The counter and the position inside the current keystream block carry
/// over between calls, so a stream may be transformed in pieces split anywhere, including mid-block.
/// </summary>
/// <remarks>
/// With AES-NI (<see cref="IsHardwareAccelerated"/>) the keystream is computed eight blocks at a
/// time in registers; otherwise System.Security.Cryptography encrypts batches of counter blocks.
/// Both paths give identical output and allocate nothing per call. Not thread-safe: use one
/// instance per stream direction. Disposing zeroes the round keys, counter and buffered keystream.
/// </remarks>
public sealed partial class AesCtr : IDisposable
{
    private const int BlockSize = 16;

    /// <summary>
    /// Keystream computed but not yet used, from the last partial block (hardware path: the tail
    /// batch of eight blocks; portable path: one batch). Bytes before <see cref="_keystreamOffset"/>
    /// are spent; the buffer is empty when the offset equals its length.
    /// </summary>
    private readonly byte[] _keystream;

    /// <summary>System.Security.Cryptography ECB encryptor; null on the hardware path.</summary>
    private readonly AesPortableEcb? _portable;

    /// <summary>Portable path only: the batch of counter blocks handed to <see cref="_portable"/>.</summary>
    private readonly byte[]? _counterBlocks;

    /// <summary>Hardware path only: the expanded key.</summary>
    private AesRoundKeys _roundKeys;

    private readonly int _rounds;

    /// <summary>The next counter block to encrypt: bytes 0..7 and 8..15, read big-endian.</summary>
    private ulong _counterHigh;

    private ulong _counterLow;

    private int _keystreamOffset;
    private bool _disposed;

    /// <summary>Creates a CTR stream with a 16-byte (AES-128) or 32-byte (AES-256) key and a 16-byte initial counter block.</summary>
    /// <param name="key">The AES key; copied (expanded), not kept.</param>
    /// <param name="iv">The initial counter block, big-endian; copied, not kept.</param>
    /// <exception cref="ArgumentException">The key is not 16 or 32 bytes, or the IV is not 16 bytes.</exception>
    public AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
        : this(key, iv, usePortable: !AesKeySchedule.IsHardwareAccelerated)
    {
    }

    private AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool usePortable)
    {
        if (!AesKeySchedule.IsValidKeyLength(key.Length))
        {
            AesThrowHelper.ThrowKeyLength(key.Length);
        }

        if (iv.Length != BlockSize)
        {
            AesThrowHelper.ThrowIvLength(iv.Length);
        }

        _counterHigh = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _counterLow = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        if (usePortable)
        {
            _portable = new AesPortableEcb(key);
            _counterBlocks = new byte[PortableBatchBytes];
            _keystream = new byte[PortableBatchBytes];
        }
        else
        {
            _rounds = AesKeySchedule.Expand(key, ref _roundKeys);
            _keystream = new byte[BytesPerIteration];
        }

        _keystreamOffset = _keystream.Length;
    }

    /// <summary>
    /// True when this process uses AES-NI (x86 AES and SSSE3); false means the slower
    /// System.Security.Cryptography batch path. Decided once at startup.
    /// </summary>
    public static bool IsHardwareAccelerated => AesKeySchedule.IsHardwareAccelerated;

    /// <summary>Creates an instance on the System.Security.Cryptography path even when AES-NI is available (tests, benchmarks).</summary>
    internal static AesCtr CreatePortable(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) => new(key, iv, usePortable: true);

    /// <summary>True when this instance runs on the portable path.</summary>
    internal bool IsPortable => _portable is not null;

    /// <summary>XORs the next <c>data.Length</c> keystream bytes into <paramref name="data"/> in place.</summary>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    public void Transform(Span<byte> data) => Transform(data, data);

    /// <summary>
    /// Writes <paramref name="input"/> XOR the next <c>input.Length</c> keystream bytes to
    /// <paramref name="output"/>. The spans must have equal length and either be the same memory
    /// (in place) or not overlap. Neither span is kept after the call.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partially overlap.</exception>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length != output.Length)
        {
            AesThrowHelper.ThrowLengthMismatch(input.Length, output.Length);
        }

        if (input.Overlaps(output, out int shift) && shift != 0)
        {
            AesThrowHelper.ThrowPartialOverlap();
        }

        ObjectDisposedException.ThrowIf(_disposed, this);

        // Leftover keystream from an earlier call comes first, so splits fall anywhere.
        int buffered = _keystream.Length - _keystreamOffset;
        if (buffered != 0)
        {
            int take = Math.Min(buffered, input.Length);
            Xor(input[..take], _keystream.AsSpan(_keystreamOffset, take), output);
            _keystreamOffset += take;
            if (take == input.Length)
            {
                return;
            }

            input = input[take..];
            output = output[take..];
        }

        if (input.IsEmpty)
        {
            return;
        }

        if (_portable is null)
        {
            TransformHardware(input, output);
        }
        else
        {
            TransformPortable(input, output);
        }
    }

    /// <summary>Zeroes the round keys, counter and buffered keystream and releases the portable cipher. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)_roundKeys));
        CryptographicOperations.ZeroMemory(_keystream);
        if (_counterBlocks is not null)
        {
            CryptographicOperations.ZeroMemory(_counterBlocks);
        }

        _counterHigh = 0;
        _counterLow = 0;
        _keystreamOffset = _keystream.Length;
        _portable?.Dispose();
    }

    /// <summary>
    /// <paramref name="output"/>[i] = <paramref name="input"/>[i] ^ <paramref name="keystream"/>[i]
    /// for i below <c>input.Length</c>. Output may be the input (each vector is loaded before it is stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Xor(ReadOnlySpan<byte> input, ReadOnlySpan<byte> keystream, Span<byte> output)
    {
        Debug.Assert(keystream.Length >= input.Length && output.Length >= input.Length, "The caller sizes the spans.");
        ref byte source = ref MemoryMarshal.GetReference(input);
        ref byte key = ref MemoryMarshal.GetReference(keystream);
        ref byte destination = ref MemoryMarshal.GetReference(output);
        nuint length = (nuint)input.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<byte>.Count <= length; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref source, i) ^ Vector256.LoadUnsafe(ref key, i)).StoreUnsafe(ref destination, i);
            }
        }

        for (; i + (nuint)Vector128<byte>.Count <= length; i += (nuint)Vector128<byte>.Count)
        {
            (Vector128.LoadUnsafe(ref source, i) ^ Vector128.LoadUnsafe(ref key, i)).StoreUnsafe(ref destination, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) = (byte)(Unsafe.Add(ref source, i) ^ Unsafe.Add(ref key, i));
        }
    }
}
