using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Devp2p.Crypto.Internal;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Devp2p.Crypto;

/// <summary>The AES-NI path: eight counter blocks in flight per iteration.</summary>
public sealed partial class AesCtr
{
    /// <summary>
    /// Blocks encrypted together. AESENC has a latency of several cycles but issues one or two per
    /// cycle, so independent blocks are interleaved to keep the units busy. .NET 10 exposes no VAES,
    /// so AESENC can only address xmm0-15: eight blocks take half of them and the round keys that do
    /// not fit in the rest are read as memory operands (a load-port slot each, which is free here);
    /// more blocks in flight would spill the blocks themselves.
    /// </summary>
    private const int BlocksPerIteration = 8;

    private const int BytesPerIteration = BlocksPerIteration * BlockSize;

    /// <summary>Selects the round count at compile time of each generic instantiation.</summary>
    private interface IKeySize
    {
        static abstract bool IsAes256 { get; }
    }

    private readonly struct KeySize128 : IKeySize
    {
        public static bool IsAes256 => false;
    }

    private readonly struct KeySize256 : IKeySize
    {
        public static bool IsAes256 => true;
    }

    /// <summary>Transforms input with an empty keystream buffer; leaves any tail keystream buffered.</summary>
    private void TransformHardware(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Debug.Assert(_keystreamOffset == _keystream.Length, "Buffered keystream is used up first.");
        nuint iterations = (nuint)input.Length / BytesPerIteration;
        int bulk = (int)iterations * BytesPerIteration;
        if (iterations != 0)
        {
            EncryptIterations(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(output), iterations);
        }

        int tail = input.Length - bulk;
        if (tail != 0)
        {
            // A whole batch of keystream (counter blocks encrypted over zeros) costs about the
            // same as fewer blocks and is kept, so the following call starts from the buffer.
            byte[] keystream = _keystream;
            Array.Clear(keystream);
            ref byte buffer = ref MemoryMarshal.GetArrayDataReference(keystream);
            EncryptIterations(ref buffer, ref buffer, 1);
            Xor(input[bulk..], keystream.AsSpan(0, tail), output[bulk..]);
            _keystreamOffset = tail;
        }
    }

    private void EncryptIterations(ref byte input, ref byte output, nuint iterations)
    {
        if (_rounds == AesKeySchedule.Aes256Rounds)
        {
            EncryptIterations<KeySize256>(in _roundKeys, ref _counterHigh, ref _counterLow, ref input, ref output, iterations);
        }
        else
        {
            EncryptIterations<KeySize128>(in _roundKeys, ref _counterHigh, ref _counterLow, ref input, ref output, iterations);
        }
    }

    /// <summary>
    /// output = input XOR AES(counter + i) for <paramref name="iterations"/> x 8 blocks, advancing
    /// the counter. Input and output may be the same memory: each block is loaded before it is stored.
    /// </summary>
    /// <remarks>
    /// Compiled fully optimized from the first call: the unoptimized first tier keeps every vector
    /// in memory and runs several times slower, which would hit exactly the handshake and first
    /// frames of each process.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncryptIterations<TKeySize>(
        ref readonly AesRoundKeys keys,
        ref ulong counterHigh,
        ref ulong counterLow,
        ref byte input,
        ref byte output,
        nuint iterations)
        where TKeySize : struct, IKeySize
    {
        // PSHUFB mask reversing all 16 bytes: a vector holding (low, high) as little-endian
        // ulongs becomes the big-endian 128-bit counter block.
        Vector128<byte> byteSwap = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

        Vector128<byte> rk0 = keys[0];
        Vector128<byte> rk1 = keys[1];
        Vector128<byte> rk2 = keys[2];
        Vector128<byte> rk3 = keys[3];
        Vector128<byte> rk4 = keys[4];
        Vector128<byte> rk5 = keys[5];
        Vector128<byte> rk6 = keys[6];
        Vector128<byte> rk7 = keys[7];
        Vector128<byte> rk8 = keys[8];
        Vector128<byte> rk9 = keys[9];
        Vector128<byte> rk10 = keys[10];
        Vector128<byte> rk11 = default;
        Vector128<byte> rk12 = default;
        Vector128<byte> rk13 = default;
        Vector128<byte> rk14 = default;
        if (TKeySize.IsAes256)
        {
            rk11 = keys[11];
            rk12 = keys[12];
            rk13 = keys[13];
            rk14 = keys[14];
        }

        ulong high = counterHigh;
        ulong low = counterLow;
        nuint offset = 0;
        do
        {
            Vector128<byte> b0, b1, b2, b3, b4, b5, b6, b7;
            if (low <= ulong.MaxValue - (BlocksPerIteration - 1))
            {
                // No carry out of the low half within this batch: one vector add per block.
                Vector128<ulong> counter = Vector128.Create(low, high);
                b0 = Ssse3.Shuffle(counter.AsByte(), byteSwap);
                b1 = Ssse3.Shuffle((counter + Vector128.Create(1UL, 0UL)).AsByte(), byteSwap);
                b2 = Ssse3.Shuffle((counter + Vector128.Create(2UL, 0UL)).AsByte(), byteSwap);
                b3 = Ssse3.Shuffle((counter + Vector128.Create(3UL, 0UL)).AsByte(), byteSwap);
                b4 = Ssse3.Shuffle((counter + Vector128.Create(4UL, 0UL)).AsByte(), byteSwap);
                b5 = Ssse3.Shuffle((counter + Vector128.Create(5UL, 0UL)).AsByte(), byteSwap);
                b6 = Ssse3.Shuffle((counter + Vector128.Create(6UL, 0UL)).AsByte(), byteSwap);
                b7 = Ssse3.Shuffle((counter + Vector128.Create(7UL, 0UL)).AsByte(), byteSwap);
            }
            else
            {
                // The low 64 bits wrap inside this batch (once per 2^64 blocks, or an IV chosen
                // near the edge): carry into the high half block by block.
                b0 = CounterBlock(high, low, 0, byteSwap);
                b1 = CounterBlock(high, low, 1, byteSwap);
                b2 = CounterBlock(high, low, 2, byteSwap);
                b3 = CounterBlock(high, low, 3, byteSwap);
                b4 = CounterBlock(high, low, 4, byteSwap);
                b5 = CounterBlock(high, low, 5, byteSwap);
                b6 = CounterBlock(high, low, 6, byteSwap);
                b7 = CounterBlock(high, low, 7, byteSwap);
            }

            ulong next = low + BlocksPerIteration;
            high += next < low ? 1UL : 0UL;
            low = next;

            b0 ^= rk0;
            b1 ^= rk0;
            b2 ^= rk0;
            b3 ^= rk0;
            b4 ^= rk0;
            b5 ^= rk0;
            b6 ^= rk0;
            b7 ^= rk0;
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk1);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk2);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk3);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk4);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk5);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk6);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk7);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk8);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk9);
            Vector128<byte> last = rk10;
            if (TKeySize.IsAes256)
            {
                Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk10);
                Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk11);
                Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk12);
                Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, rk13);
                last = rk14;
            }

            (AesNi.EncryptLast(b0, last) ^ Vector128.LoadUnsafe(ref input, offset)).StoreUnsafe(ref output, offset);
            (AesNi.EncryptLast(b1, last) ^ Vector128.LoadUnsafe(ref input, offset + 16)).StoreUnsafe(ref output, offset + 16);
            (AesNi.EncryptLast(b2, last) ^ Vector128.LoadUnsafe(ref input, offset + 32)).StoreUnsafe(ref output, offset + 32);
            (AesNi.EncryptLast(b3, last) ^ Vector128.LoadUnsafe(ref input, offset + 48)).StoreUnsafe(ref output, offset + 48);
            (AesNi.EncryptLast(b4, last) ^ Vector128.LoadUnsafe(ref input, offset + 64)).StoreUnsafe(ref output, offset + 64);
            (AesNi.EncryptLast(b5, last) ^ Vector128.LoadUnsafe(ref input, offset + 80)).StoreUnsafe(ref output, offset + 80);
            (AesNi.EncryptLast(b6, last) ^ Vector128.LoadUnsafe(ref input, offset + 96)).StoreUnsafe(ref output, offset + 96);
            (AesNi.EncryptLast(b7, last) ^ Vector128.LoadUnsafe(ref input, offset + 112)).StoreUnsafe(ref output, offset + 112);
            offset += BytesPerIteration;
        }
        while (--iterations != 0);

        counterHigh = high;
        counterLow = low;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector128<byte> b0,
        ref Vector128<byte> b1,
        ref Vector128<byte> b2,
        ref Vector128<byte> b3,
        ref Vector128<byte> b4,
        ref Vector128<byte> b5,
        ref Vector128<byte> b6,
        ref Vector128<byte> b7,
        Vector128<byte> roundKey)
    {
        b0 = AesNi.Encrypt(b0, roundKey);
        b1 = AesNi.Encrypt(b1, roundKey);
        b2 = AesNi.Encrypt(b2, roundKey);
        b3 = AesNi.Encrypt(b3, roundKey);
        b4 = AesNi.Encrypt(b4, roundKey);
        b5 = AesNi.Encrypt(b5, roundKey);
        b6 = AesNi.Encrypt(b6, roundKey);
        b7 = AesNi.Encrypt(b7, roundKey);
    }

    /// <summary>The big-endian counter block (high, low) + <paramref name="increment"/>, carrying into the high half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> CounterBlock(ulong high, ulong low, ulong increment, Vector128<byte> byteSwap)
    {
        ulong sum = low + increment;
        if (sum < low)
        {
            high++;
        }

        return Ssse3.Shuffle(Vector128.Create(sum, high).AsByte(), byteSwap);
    }
}
