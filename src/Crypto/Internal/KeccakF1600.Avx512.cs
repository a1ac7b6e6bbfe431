using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Devp2p.Crypto.Internal;

/// <summary>The AVX-512VL body of <see cref="KeccakF1600"/>.</summary>
/// <remarks>
/// Layout: two lanes per 128-bit register, paired by row. For column x, <c>p{x}</c> holds
/// (A[x,0], A[x,1]), <c>q{x}</c> holds (A[x,2], A[x,3]) and <c>w{x}</c> holds A[x,4] in both
/// halves (the locals carry an <c>a</c> or <c>e</c> prefix for the two register sets that
/// alternate between rounds). Every step keeps the two halves of <c>w</c> equal: rho rotates
/// both by the same count, pi fills it with an unpack of a register with itself, and the input
/// never reaches row 4. Then:
/// <list type="bullet">
/// <item>chi works along rows, so one vpternlogq per register does chi for two rows (15 per
/// round instead of 25);</item>
/// <item>theta's column parity is p ^ q folded with its own swapped halves, plus w: because w
/// carries row 4 in both halves the result is the parity in both halves, ready to XOR into
/// every register of the column;</item>
/// <item>rho is one vprolvq per register (a per-half rotation count);</item>
/// <item>pi moves B[X,Y] = A[(X + 3Y) mod 5, X]: the two lanes a new register needs always sit
/// in the same half of two old registers of one row pair, so each new register is one
/// vpunpck{l,h}qdq.</item>
/// </list>
/// That is about 85 vector operations per round against about 95 for one lane per register,
/// and the state plus temporaries fits in the 32 vector registers without spilling the lanes.
/// One row per zmm register was not tried: chi and pi would then need cross-lane permutes in
/// every round's dependency chain.
/// </remarks>
internal static partial class KeccakF1600
{
    /// <summary>vpternlogq truth table for a ^ b ^ c.</summary>
    private const byte Xor3 = 0x96;

    /// <summary>vpternlogq truth table for chi, a ^ (~b &amp; c).</summary>
    private const byte Chi = 0xD2;

    // Rho rotation counts r[x, y] (FIPS 202 table 2) for the two lanes of p{x} and of q{x};
    // the JIT keeps these constants in registers across the loop.
    private static Vector128<ulong> RhoRows01Column0 => Vector128.Create(0UL, 36UL);
    private static Vector128<ulong> RhoRows23Column0 => Vector128.Create(3UL, 41UL);
    private static Vector128<ulong> RhoRows01Column1 => Vector128.Create(1UL, 44UL);
    private static Vector128<ulong> RhoRows23Column1 => Vector128.Create(10UL, 45UL);
    private static Vector128<ulong> RhoRows01Column2 => Vector128.Create(62UL, 6UL);
    private static Vector128<ulong> RhoRows23Column2 => Vector128.Create(43UL, 15UL);
    private static Vector128<ulong> RhoRows01Column3 => Vector128.Create(28UL, 55UL);
    private static Vector128<ulong> RhoRows23Column3 => Vector128.Create(25UL, 21UL);
    private static Vector128<ulong> RhoRows01Column4 => Vector128.Create(27UL, 20UL);
    private static Vector128<ulong> RhoRows23Column4 => Vector128.Create(39UL, 8UL);

    /// <summary>
    /// Absorbs <paramref name="blocks"/> rate blocks from <paramref name="input"/>; requires
    /// <see cref="Avx512F.VL.IsSupported"/>. Internal so the tests can compare it with
    /// <see cref="AbsorbScalar"/> directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AbsorbAvx512(ref KeccakState state, ref byte input, int blocks)
    {
        ref ulong lanes = ref state[0];
        ref ulong roundConstant = ref MemoryMarshal.GetArrayDataReference(s_roundConstants);
        Vector128<ulong> ap0 = Vector128.Create(Unsafe.Add(ref lanes, 0), Unsafe.Add(ref lanes, 5));
        Vector128<ulong> ap1 = Vector128.Create(Unsafe.Add(ref lanes, 1), Unsafe.Add(ref lanes, 6));
        Vector128<ulong> ap2 = Vector128.Create(Unsafe.Add(ref lanes, 2), Unsafe.Add(ref lanes, 7));
        Vector128<ulong> ap3 = Vector128.Create(Unsafe.Add(ref lanes, 3), Unsafe.Add(ref lanes, 8));
        Vector128<ulong> ap4 = Vector128.Create(Unsafe.Add(ref lanes, 4), Unsafe.Add(ref lanes, 9));
        Vector128<ulong> aq0 = Vector128.Create(Unsafe.Add(ref lanes, 10), Unsafe.Add(ref lanes, 15));
        Vector128<ulong> aq1 = Vector128.Create(Unsafe.Add(ref lanes, 11), Unsafe.Add(ref lanes, 16));
        Vector128<ulong> aq2 = Vector128.Create(Unsafe.Add(ref lanes, 12), Unsafe.Add(ref lanes, 17));
        Vector128<ulong> aq3 = Vector128.Create(Unsafe.Add(ref lanes, 13), Unsafe.Add(ref lanes, 18));
        Vector128<ulong> aq4 = Vector128.Create(Unsafe.Add(ref lanes, 14), Unsafe.Add(ref lanes, 19));
        Vector128<ulong> aw0 = Vector128.Create(Unsafe.Add(ref lanes, 20));
        Vector128<ulong> aw1 = Vector128.Create(Unsafe.Add(ref lanes, 21));
        Vector128<ulong> aw2 = Vector128.Create(Unsafe.Add(ref lanes, 22));
        Vector128<ulong> aw3 = Vector128.Create(Unsafe.Add(ref lanes, 23));
        Vector128<ulong> aw4 = Vector128.Create(Unsafe.Add(ref lanes, 24));
        Vector128<ulong> ep0, ep1, ep2, ep3, ep4, eq0, eq1, eq2, eq3, eq4, ew0, ew1, ew2, ew3, ew4;
        Vector128<ulong> t0, t1, t2, t3, t4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, k0, k1, k2, k3, k4;
        Vector128<ulong> bp0, bp1, bp2, bp3, bp4, bq0, bq1, bq2, bq3, bq4, bw0, bw1, bw2, bw3, bw4;
        Vector128<ulong> gp0, gp1, gp2, gp3, gp4, gq0, gq1, gq2, gq3, gq4, gw0, gw1, gw2, gw3, gw4;
        Vector128<ulong> low, high;

        do
        {
            // Lanes 0..16 of the block: (in[x], in[x + 5]) into p{x} is a 2x2 transpose of two
            // 16-byte loads; q gets lanes 10..16; row 4 is outside the rate.
            low = LoadPair(ref input, 0);
            high = LoadPair(ref input, 5);
            ap0 ^= Sse2.UnpackLow(low, high);
            ap1 ^= Sse2.UnpackHigh(low, high);
            low = LoadPair(ref input, 2);
            high = LoadPair(ref input, 7);
            ap2 ^= Sse2.UnpackLow(low, high);
            ap3 ^= Sse2.UnpackHigh(low, high);
            low = LoadPair(ref input, 4);
            high = LoadPair(ref input, 9);
            ap4 ^= Sse2.UnpackLow(low, high);
            low = LoadPair(ref input, 10);
            high = LoadPair(ref input, 15);
            aq0 ^= Sse2.UnpackLow(low, high);
            aq1 ^= Sse2.UnpackHigh(low, high);
            aq2 ^= Vector128.CreateScalar(ReadLane(ref input, 12));
            aq3 ^= Vector128.CreateScalar(ReadLane(ref input, 13));
            aq4 ^= Vector128.CreateScalar(ReadLane(ref input, 14));

            // Per round: theta (t, c, k, d), theta applied with rho (b), pi (g), chi with iota
            // into the other register set; two rounds per iteration so the sets swap back.
            for (int round = 0; round < Rounds; round += 2)
            {
                t0 = ap0 ^ aq0;
                t1 = ap1 ^ aq1;
                t2 = ap2 ^ aq2;
                t3 = ap3 ^ aq3;
                t4 = ap4 ^ aq4;
                c0 = Avx512F.VL.TernaryLogic(t0, SwapHalves(t0), aw0, Xor3);
                c1 = Avx512F.VL.TernaryLogic(t1, SwapHalves(t1), aw1, Xor3);
                c2 = Avx512F.VL.TernaryLogic(t2, SwapHalves(t2), aw2, Xor3);
                c3 = Avx512F.VL.TernaryLogic(t3, SwapHalves(t3), aw3, Xor3);
                c4 = Avx512F.VL.TernaryLogic(t4, SwapHalves(t4), aw4, Xor3);
                k0 = Avx512F.VL.RotateLeft(c0, 1);
                k1 = Avx512F.VL.RotateLeft(c1, 1);
                k2 = Avx512F.VL.RotateLeft(c2, 1);
                k3 = Avx512F.VL.RotateLeft(c3, 1);
                k4 = Avx512F.VL.RotateLeft(c4, 1);
                d0 = c4 ^ k1;
                d1 = c0 ^ k2;
                d2 = c1 ^ k3;
                d3 = c2 ^ k4;
                d4 = c3 ^ k0;
                bp0 = Avx512F.VL.RotateLeftVariable(ap0 ^ d0, RhoRows01Column0);
                bp1 = Avx512F.VL.RotateLeftVariable(ap1 ^ d1, RhoRows01Column1);
                bp2 = Avx512F.VL.RotateLeftVariable(ap2 ^ d2, RhoRows01Column2);
                bp3 = Avx512F.VL.RotateLeftVariable(ap3 ^ d3, RhoRows01Column3);
                bp4 = Avx512F.VL.RotateLeftVariable(ap4 ^ d4, RhoRows01Column4);
                bq0 = Avx512F.VL.RotateLeftVariable(aq0 ^ d0, RhoRows23Column0);
                bq1 = Avx512F.VL.RotateLeftVariable(aq1 ^ d1, RhoRows23Column1);
                bq2 = Avx512F.VL.RotateLeftVariable(aq2 ^ d2, RhoRows23Column2);
                bq3 = Avx512F.VL.RotateLeftVariable(aq3 ^ d3, RhoRows23Column3);
                bq4 = Avx512F.VL.RotateLeftVariable(aq4 ^ d4, RhoRows23Column4);
                bw0 = Avx512F.VL.RotateLeft(aw0 ^ d0, 18);
                bw1 = Avx512F.VL.RotateLeft(aw1 ^ d1, 2);
                bw2 = Avx512F.VL.RotateLeft(aw2 ^ d2, 61);
                bw3 = Avx512F.VL.RotateLeft(aw3 ^ d3, 56);
                bw4 = Avx512F.VL.RotateLeft(aw4 ^ d4, 14);
                gp0 = Sse2.UnpackLow(bp0, bp3);
                gq0 = Sse2.UnpackLow(bp1, bp4);
                gw0 = Sse2.UnpackLow(bp2, bp2);
                gp1 = Sse2.UnpackHigh(bp1, bp4);
                gq1 = Sse2.UnpackHigh(bp2, bp0);
                gw1 = Sse2.UnpackHigh(bp3, bp3);
                gp2 = Sse2.UnpackLow(bq2, bq0);
                gq2 = Sse2.UnpackLow(bq3, bq1);
                gw2 = Sse2.UnpackLow(bq4, bq4);
                gp3 = Sse2.UnpackHigh(bq3, bq1);
                gq3 = Sse2.UnpackHigh(bq4, bq2);
                gw3 = Sse2.UnpackHigh(bq0, bq0);
                gp4 = Sse2.UnpackLow(bw4, bw2);
                gq4 = Sse2.UnpackLow(bw0, bw3);
                gw4 = bw1;
                ep0 = Avx512F.VL.TernaryLogic(gp0, gp1, gp2, Chi) ^ Vector128.CreateScalar(Unsafe.Add(ref roundConstant, round));
                ep1 = Avx512F.VL.TernaryLogic(gp1, gp2, gp3, Chi);
                ep2 = Avx512F.VL.TernaryLogic(gp2, gp3, gp4, Chi);
                ep3 = Avx512F.VL.TernaryLogic(gp3, gp4, gp0, Chi);
                ep4 = Avx512F.VL.TernaryLogic(gp4, gp0, gp1, Chi);
                eq0 = Avx512F.VL.TernaryLogic(gq0, gq1, gq2, Chi);
                eq1 = Avx512F.VL.TernaryLogic(gq1, gq2, gq3, Chi);
                eq2 = Avx512F.VL.TernaryLogic(gq2, gq3, gq4, Chi);
                eq3 = Avx512F.VL.TernaryLogic(gq3, gq4, gq0, Chi);
                eq4 = Avx512F.VL.TernaryLogic(gq4, gq0, gq1, Chi);
                ew0 = Avx512F.VL.TernaryLogic(gw0, gw1, gw2, Chi);
                ew1 = Avx512F.VL.TernaryLogic(gw1, gw2, gw3, Chi);
                ew2 = Avx512F.VL.TernaryLogic(gw2, gw3, gw4, Chi);
                ew3 = Avx512F.VL.TernaryLogic(gw3, gw4, gw0, Chi);
                ew4 = Avx512F.VL.TernaryLogic(gw4, gw0, gw1, Chi);

                t0 = ep0 ^ eq0;
                t1 = ep1 ^ eq1;
                t2 = ep2 ^ eq2;
                t3 = ep3 ^ eq3;
                t4 = ep4 ^ eq4;
                c0 = Avx512F.VL.TernaryLogic(t0, SwapHalves(t0), ew0, Xor3);
                c1 = Avx512F.VL.TernaryLogic(t1, SwapHalves(t1), ew1, Xor3);
                c2 = Avx512F.VL.TernaryLogic(t2, SwapHalves(t2), ew2, Xor3);
                c3 = Avx512F.VL.TernaryLogic(t3, SwapHalves(t3), ew3, Xor3);
                c4 = Avx512F.VL.TernaryLogic(t4, SwapHalves(t4), ew4, Xor3);
                k0 = Avx512F.VL.RotateLeft(c0, 1);
                k1 = Avx512F.VL.RotateLeft(c1, 1);
                k2 = Avx512F.VL.RotateLeft(c2, 1);
                k3 = Avx512F.VL.RotateLeft(c3, 1);
                k4 = Avx512F.VL.RotateLeft(c4, 1);
                d0 = c4 ^ k1;
                d1 = c0 ^ k2;
                d2 = c1 ^ k3;
                d3 = c2 ^ k4;
                d4 = c3 ^ k0;
                bp0 = Avx512F.VL.RotateLeftVariable(ep0 ^ d0, RhoRows01Column0);
                bp1 = Avx512F.VL.RotateLeftVariable(ep1 ^ d1, RhoRows01Column1);
                bp2 = Avx512F.VL.RotateLeftVariable(ep2 ^ d2, RhoRows01Column2);
                bp3 = Avx512F.VL.RotateLeftVariable(ep3 ^ d3, RhoRows01Column3);
                bp4 = Avx512F.VL.RotateLeftVariable(ep4 ^ d4, RhoRows01Column4);
                bq0 = Avx512F.VL.RotateLeftVariable(eq0 ^ d0, RhoRows23Column0);
                bq1 = Avx512F.VL.RotateLeftVariable(eq1 ^ d1, RhoRows23Column1);
                bq2 = Avx512F.VL.RotateLeftVariable(eq2 ^ d2, RhoRows23Column2);
                bq3 = Avx512F.VL.RotateLeftVariable(eq3 ^ d3, RhoRows23Column3);
                bq4 = Avx512F.VL.RotateLeftVariable(eq4 ^ d4, RhoRows23Column4);
                bw0 = Avx512F.VL.RotateLeft(ew0 ^ d0, 18);
                bw1 = Avx512F.VL.RotateLeft(ew1 ^ d1, 2);
                bw2 = Avx512F.VL.RotateLeft(ew2 ^ d2, 61);
                bw3 = Avx512F.VL.RotateLeft(ew3 ^ d3, 56);
                bw4 = Avx512F.VL.RotateLeft(ew4 ^ d4, 14);
                gp0 = Sse2.UnpackLow(bp0, bp3);
                gq0 = Sse2.UnpackLow(bp1, bp4);
                gw0 = Sse2.UnpackLow(bp2, bp2);
                gp1 = Sse2.UnpackHigh(bp1, bp4);
                gq1 = Sse2.UnpackHigh(bp2, bp0);
                gw1 = Sse2.UnpackHigh(bp3, bp3);
                gp2 = Sse2.UnpackLow(bq2, bq0);
                gq2 = Sse2.UnpackLow(bq3, bq1);
                gw2 = Sse2.UnpackLow(bq4, bq4);
                gp3 = Sse2.UnpackHigh(bq3, bq1);
                gq3 = Sse2.UnpackHigh(bq4, bq2);
                gw3 = Sse2.UnpackHigh(bq0, bq0);
                gp4 = Sse2.UnpackLow(bw4, bw2);
                gq4 = Sse2.UnpackLow(bw0, bw3);
                gw4 = bw1;
                ap0 = Avx512F.VL.TernaryLogic(gp0, gp1, gp2, Chi) ^ Vector128.CreateScalar(Unsafe.Add(ref roundConstant, round + 1));
                ap1 = Avx512F.VL.TernaryLogic(gp1, gp2, gp3, Chi);
                ap2 = Avx512F.VL.TernaryLogic(gp2, gp3, gp4, Chi);
                ap3 = Avx512F.VL.TernaryLogic(gp3, gp4, gp0, Chi);
                ap4 = Avx512F.VL.TernaryLogic(gp4, gp0, gp1, Chi);
                aq0 = Avx512F.VL.TernaryLogic(gq0, gq1, gq2, Chi);
                aq1 = Avx512F.VL.TernaryLogic(gq1, gq2, gq3, Chi);
                aq2 = Avx512F.VL.TernaryLogic(gq2, gq3, gq4, Chi);
                aq3 = Avx512F.VL.TernaryLogic(gq3, gq4, gq0, Chi);
                aq4 = Avx512F.VL.TernaryLogic(gq4, gq0, gq1, Chi);
                aw0 = Avx512F.VL.TernaryLogic(gw0, gw1, gw2, Chi);
                aw1 = Avx512F.VL.TernaryLogic(gw1, gw2, gw3, Chi);
                aw2 = Avx512F.VL.TernaryLogic(gw2, gw3, gw4, Chi);
                aw3 = Avx512F.VL.TernaryLogic(gw3, gw4, gw0, Chi);
                aw4 = Avx512F.VL.TernaryLogic(gw4, gw0, gw1, Chi);
            }

            input = ref Unsafe.Add(ref input, RateBytes);
        }
        while (--blocks != 0);

        Unsafe.Add(ref lanes, 0) = ap0.GetElement(0);
        Unsafe.Add(ref lanes, 5) = ap0.GetElement(1);
        Unsafe.Add(ref lanes, 1) = ap1.GetElement(0);
        Unsafe.Add(ref lanes, 6) = ap1.GetElement(1);
        Unsafe.Add(ref lanes, 2) = ap2.GetElement(0);
        Unsafe.Add(ref lanes, 7) = ap2.GetElement(1);
        Unsafe.Add(ref lanes, 3) = ap3.GetElement(0);
        Unsafe.Add(ref lanes, 8) = ap3.GetElement(1);
        Unsafe.Add(ref lanes, 4) = ap4.GetElement(0);
        Unsafe.Add(ref lanes, 9) = ap4.GetElement(1);
        Unsafe.Add(ref lanes, 10) = aq0.GetElement(0);
        Unsafe.Add(ref lanes, 15) = aq0.GetElement(1);
        Unsafe.Add(ref lanes, 11) = aq1.GetElement(0);
        Unsafe.Add(ref lanes, 16) = aq1.GetElement(1);
        Unsafe.Add(ref lanes, 12) = aq2.GetElement(0);
        Unsafe.Add(ref lanes, 17) = aq2.GetElement(1);
        Unsafe.Add(ref lanes, 13) = aq3.GetElement(0);
        Unsafe.Add(ref lanes, 18) = aq3.GetElement(1);
        Unsafe.Add(ref lanes, 14) = aq4.GetElement(0);
        Unsafe.Add(ref lanes, 19) = aq4.GetElement(1);
        Unsafe.Add(ref lanes, 20) = aw0.GetElement(0);
        Unsafe.Add(ref lanes, 21) = aw1.GetElement(0);
        Unsafe.Add(ref lanes, 22) = aw2.GetElement(0);
        Unsafe.Add(ref lanes, 23) = aw3.GetElement(0);
        Unsafe.Add(ref lanes, 24) = aw4.GetElement(0);
    }

    /// <summary>Lanes <paramref name="index"/> and <paramref name="index"/> + 1 of a block (x86 is little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> LoadPair(ref byte block, int index) =>
        Vector128.LoadUnsafe(ref Unsafe.Add(ref block, index * sizeof(ulong))).AsUInt64();

    /// <summary>(a, b) -> (b, a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> SwapHalves(Vector128<ulong> value) =>
        Sse2.Shuffle(value.AsUInt32(), 0b01_00_11_10).AsUInt64();
}
