using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// The keccak-f[1600] permutation, exposed only as "absorb whole rate blocks": XOR each
/// 136-byte block into the first 17 lanes, then permute. Padding and squeezing live in
/// <see cref="Keccak256"/>.
/// </summary>
/// <remarks>
/// Lane numbering follows the Keccak reference (FIPS 202 section 3.1.2): lane (x, y) is
/// <c>state[x + 5 * y]</c> and a rate block's 8-byte little-endian words fill lanes 0..16 in
/// order. Every path keeps the state in locals for the whole call and reads the input in
/// place, so a long input costs one state load, one state store and no copying.
/// Two bodies, because the general-purpose registers are too few for 25 lanes plus temporaries
/// and the scalar form spills every round. With AVX-512VL, <see cref="AbsorbAvx512"/> keeps the
/// state in vector registers and uses vpternlogq for chi and theta; on the Zen 5 development
/// machine it hashes about 16% faster than <see cref="AbsorbScalar"/> (about 635 against 545
/// MB/s of CPU time at 16 KiB), and one lane per register measured about 600 MB/s. Without
/// AVX-512VL (no vpternlogq, no vector rotate) the scalar form is the fastest choice.
/// </remarks>
internal static partial class KeccakF1600
{
    /// <summary>Bytes absorbed per permutation: (1600 - 2 * 256) / 8 for Keccak-256.</summary>
    public const int RateBytes = 136;

    /// <summary>Lanes in the whole state (5 x 5).</summary>
    public const int StateLanes = 25;

    private const int Rounds = 24;

    /// <summary>The iota constants RC[0..23] (FIPS 202 algorithms 5 and 6).</summary>
    /// <remarks>
    /// An array rather than a <c>ReadOnlySpan&lt;ulong&gt;</c> property over RVA data: for
    /// multi-byte elements that property goes through RuntimeHelpers.CreateSpan, which in
    /// unoptimised (Debug) code allocates a field-handle object on every call.
    /// </remarks>
    private static readonly ulong[] s_roundConstants =
    [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ];

    /// <summary>
    /// Absorbs every whole <see cref="RateBytes"/>-byte block at the start of
    /// <paramref name="data"/> into <paramref name="state"/> and returns how many bytes that was
    /// (a multiple of <see cref="RateBytes"/>); the caller keeps the rest.
    /// </summary>
    public static int Absorb(ref KeccakState state, ReadOnlySpan<byte> data)
    {
        int blocks = data.Length / RateBytes;
        if (blocks != 0)
        {
            ref byte input = ref MemoryMarshal.GetReference(data);
            if (Avx512F.VL.IsSupported)
            {
                AbsorbAvx512(ref state, ref input, blocks);
            }
            else
            {
                AbsorbScalar(ref state, ref input, blocks);
            }
        }

        return blocks * RateBytes;
    }

    /// <summary>
    /// Portable body: the 25 lanes and the round temporaries are locals, two rounds per loop
    /// iteration with the output lanes renamed (a -> e -> a) so pi needs no moves.
    /// </summary>
    /// <remarks>
    /// Internal rather than private so the tests can check it against the vectors on machines
    /// where <see cref="Absorb"/> takes the AVX-512 path. AggressiveOptimization: this method is
    /// only worth calling fully optimised, and tier-0 code for it would be tens of times slower
    /// for the first calls of every process.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AbsorbScalar(ref KeccakState state, ref byte input, int blocks)
    {
        ref ulong lanes = ref state[0];
        ref ulong roundConstant = ref MemoryMarshal.GetArrayDataReference(s_roundConstants);
        ulong a0 = Unsafe.Add(ref lanes, 0);
        ulong a1 = Unsafe.Add(ref lanes, 1);
        ulong a2 = Unsafe.Add(ref lanes, 2);
        ulong a3 = Unsafe.Add(ref lanes, 3);
        ulong a4 = Unsafe.Add(ref lanes, 4);
        ulong a5 = Unsafe.Add(ref lanes, 5);
        ulong a6 = Unsafe.Add(ref lanes, 6);
        ulong a7 = Unsafe.Add(ref lanes, 7);
        ulong a8 = Unsafe.Add(ref lanes, 8);
        ulong a9 = Unsafe.Add(ref lanes, 9);
        ulong a10 = Unsafe.Add(ref lanes, 10);
        ulong a11 = Unsafe.Add(ref lanes, 11);
        ulong a12 = Unsafe.Add(ref lanes, 12);
        ulong a13 = Unsafe.Add(ref lanes, 13);
        ulong a14 = Unsafe.Add(ref lanes, 14);
        ulong a15 = Unsafe.Add(ref lanes, 15);
        ulong a16 = Unsafe.Add(ref lanes, 16);
        ulong a17 = Unsafe.Add(ref lanes, 17);
        ulong a18 = Unsafe.Add(ref lanes, 18);
        ulong a19 = Unsafe.Add(ref lanes, 19);
        ulong a20 = Unsafe.Add(ref lanes, 20);
        ulong a21 = Unsafe.Add(ref lanes, 21);
        ulong a22 = Unsafe.Add(ref lanes, 22);
        ulong a23 = Unsafe.Add(ref lanes, 23);
        ulong a24 = Unsafe.Add(ref lanes, 24);
        ulong e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
        ulong b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

        do
        {
            a0 ^= ReadLane(ref input, 0);
            a1 ^= ReadLane(ref input, 1);
            a2 ^= ReadLane(ref input, 2);
            a3 ^= ReadLane(ref input, 3);
            a4 ^= ReadLane(ref input, 4);
            a5 ^= ReadLane(ref input, 5);
            a6 ^= ReadLane(ref input, 6);
            a7 ^= ReadLane(ref input, 7);
            a8 ^= ReadLane(ref input, 8);
            a9 ^= ReadLane(ref input, 9);
            a10 ^= ReadLane(ref input, 10);
            a11 ^= ReadLane(ref input, 11);
            a12 ^= ReadLane(ref input, 12);
            a13 ^= ReadLane(ref input, 13);
            a14 ^= ReadLane(ref input, 14);
            a15 ^= ReadLane(ref input, 15);
            a16 ^= ReadLane(ref input, 16);

            // theta: c = column parities, d = what each column receives; rho and pi by
            // reading the source lane B[X, Y] = A[(X + 3Y) mod 5, X] with its rotation; chi
            // row by row; iota on lane (0, 0).
            for (int round = 0; round < Rounds; round += 2)
            {
                c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
                c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
                c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
                c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
                c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
                d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
                d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
                d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
                d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
                d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
                b0 = a0 ^ d0;
                b1 = BitOperations.RotateLeft(a6 ^ d1, 44);
                b2 = BitOperations.RotateLeft(a12 ^ d2, 43);
                b3 = BitOperations.RotateLeft(a18 ^ d3, 21);
                b4 = BitOperations.RotateLeft(a24 ^ d4, 14);
                e0 = b0 ^ (~b1 & b2) ^ Unsafe.Add(ref roundConstant, round);
                e1 = b1 ^ (~b2 & b3);
                e2 = b2 ^ (~b3 & b4);
                e3 = b3 ^ (~b4 & b0);
                e4 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(a3 ^ d3, 28);
                b1 = BitOperations.RotateLeft(a9 ^ d4, 20);
                b2 = BitOperations.RotateLeft(a10 ^ d0, 3);
                b3 = BitOperations.RotateLeft(a16 ^ d1, 45);
                b4 = BitOperations.RotateLeft(a22 ^ d2, 61);
                e5 = b0 ^ (~b1 & b2);
                e6 = b1 ^ (~b2 & b3);
                e7 = b2 ^ (~b3 & b4);
                e8 = b3 ^ (~b4 & b0);
                e9 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(a1 ^ d1, 1);
                b1 = BitOperations.RotateLeft(a7 ^ d2, 6);
                b2 = BitOperations.RotateLeft(a13 ^ d3, 25);
                b3 = BitOperations.RotateLeft(a19 ^ d4, 8);
                b4 = BitOperations.RotateLeft(a20 ^ d0, 18);
                e10 = b0 ^ (~b1 & b2);
                e11 = b1 ^ (~b2 & b3);
                e12 = b2 ^ (~b3 & b4);
                e13 = b3 ^ (~b4 & b0);
                e14 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(a4 ^ d4, 27);
                b1 = BitOperations.RotateLeft(a5 ^ d0, 36);
                b2 = BitOperations.RotateLeft(a11 ^ d1, 10);
                b3 = BitOperations.RotateLeft(a17 ^ d2, 15);
                b4 = BitOperations.RotateLeft(a23 ^ d3, 56);
                e15 = b0 ^ (~b1 & b2);
                e16 = b1 ^ (~b2 & b3);
                e17 = b2 ^ (~b3 & b4);
                e18 = b3 ^ (~b4 & b0);
                e19 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(a2 ^ d2, 62);
                b1 = BitOperations.RotateLeft(a8 ^ d3, 55);
                b2 = BitOperations.RotateLeft(a14 ^ d4, 39);
                b3 = BitOperations.RotateLeft(a15 ^ d0, 41);
                b4 = BitOperations.RotateLeft(a21 ^ d1, 2);
                e20 = b0 ^ (~b1 & b2);
                e21 = b1 ^ (~b2 & b3);
                e22 = b2 ^ (~b3 & b4);
                e23 = b3 ^ (~b4 & b0);
                e24 = b4 ^ (~b0 & b1);

                c0 = e0 ^ e5 ^ e10 ^ e15 ^ e20;
                c1 = e1 ^ e6 ^ e11 ^ e16 ^ e21;
                c2 = e2 ^ e7 ^ e12 ^ e17 ^ e22;
                c3 = e3 ^ e8 ^ e13 ^ e18 ^ e23;
                c4 = e4 ^ e9 ^ e14 ^ e19 ^ e24;
                d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
                d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
                d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
                d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
                d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
                b0 = e0 ^ d0;
                b1 = BitOperations.RotateLeft(e6 ^ d1, 44);
                b2 = BitOperations.RotateLeft(e12 ^ d2, 43);
                b3 = BitOperations.RotateLeft(e18 ^ d3, 21);
                b4 = BitOperations.RotateLeft(e24 ^ d4, 14);
                a0 = b0 ^ (~b1 & b2) ^ Unsafe.Add(ref roundConstant, round + 1);
                a1 = b1 ^ (~b2 & b3);
                a2 = b2 ^ (~b3 & b4);
                a3 = b3 ^ (~b4 & b0);
                a4 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(e3 ^ d3, 28);
                b1 = BitOperations.RotateLeft(e9 ^ d4, 20);
                b2 = BitOperations.RotateLeft(e10 ^ d0, 3);
                b3 = BitOperations.RotateLeft(e16 ^ d1, 45);
                b4 = BitOperations.RotateLeft(e22 ^ d2, 61);
                a5 = b0 ^ (~b1 & b2);
                a6 = b1 ^ (~b2 & b3);
                a7 = b2 ^ (~b3 & b4);
                a8 = b3 ^ (~b4 & b0);
                a9 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(e1 ^ d1, 1);
                b1 = BitOperations.RotateLeft(e7 ^ d2, 6);
                b2 = BitOperations.RotateLeft(e13 ^ d3, 25);
                b3 = BitOperations.RotateLeft(e19 ^ d4, 8);
                b4 = BitOperations.RotateLeft(e20 ^ d0, 18);
                a10 = b0 ^ (~b1 & b2);
                a11 = b1 ^ (~b2 & b3);
                a12 = b2 ^ (~b3 & b4);
                a13 = b3 ^ (~b4 & b0);
                a14 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(e4 ^ d4, 27);
                b1 = BitOperations.RotateLeft(e5 ^ d0, 36);
                b2 = BitOperations.RotateLeft(e11 ^ d1, 10);
                b3 = BitOperations.RotateLeft(e17 ^ d2, 15);
                b4 = BitOperations.RotateLeft(e23 ^ d3, 56);
                a15 = b0 ^ (~b1 & b2);
                a16 = b1 ^ (~b2 & b3);
                a17 = b2 ^ (~b3 & b4);
                a18 = b3 ^ (~b4 & b0);
                a19 = b4 ^ (~b0 & b1);
                b0 = BitOperations.RotateLeft(e2 ^ d2, 62);
                b1 = BitOperations.RotateLeft(e8 ^ d3, 55);
                b2 = BitOperations.RotateLeft(e14 ^ d4, 39);
                b3 = BitOperations.RotateLeft(e15 ^ d0, 41);
                b4 = BitOperations.RotateLeft(e21 ^ d1, 2);
                a20 = b0 ^ (~b1 & b2);
                a21 = b1 ^ (~b2 & b3);
                a22 = b2 ^ (~b3 & b4);
                a23 = b3 ^ (~b4 & b0);
                a24 = b4 ^ (~b0 & b1);
            }

            input = ref Unsafe.Add(ref input, RateBytes);
        }
        while (--blocks != 0);

        Unsafe.Add(ref lanes, 0) = a0;
        Unsafe.Add(ref lanes, 1) = a1;
        Unsafe.Add(ref lanes, 2) = a2;
        Unsafe.Add(ref lanes, 3) = a3;
        Unsafe.Add(ref lanes, 4) = a4;
        Unsafe.Add(ref lanes, 5) = a5;
        Unsafe.Add(ref lanes, 6) = a6;
        Unsafe.Add(ref lanes, 7) = a7;
        Unsafe.Add(ref lanes, 8) = a8;
        Unsafe.Add(ref lanes, 9) = a9;
        Unsafe.Add(ref lanes, 10) = a10;
        Unsafe.Add(ref lanes, 11) = a11;
        Unsafe.Add(ref lanes, 12) = a12;
        Unsafe.Add(ref lanes, 13) = a13;
        Unsafe.Add(ref lanes, 14) = a14;
        Unsafe.Add(ref lanes, 15) = a15;
        Unsafe.Add(ref lanes, 16) = a16;
        Unsafe.Add(ref lanes, 17) = a17;
        Unsafe.Add(ref lanes, 18) = a18;
        Unsafe.Add(ref lanes, 19) = a19;
        Unsafe.Add(ref lanes, 20) = a20;
        Unsafe.Add(ref lanes, 21) = a21;
        Unsafe.Add(ref lanes, 22) = a22;
        Unsafe.Add(ref lanes, 23) = a23;
        Unsafe.Add(ref lanes, 24) = a24;
    }

    /// <summary>Reads lane <paramref name="index"/> of a rate block as little-endian.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadLane(ref byte block, int index)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref block, index * sizeof(ulong)));
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }
}
