using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// AES-128 and AES-256 encryption key expansion (FIPS-197 section 5.2) with AES-NI
/// <c>AESKEYGENASSIST</c>, shared by <see cref="AesCtr"/> and <see cref="AesBlockEncryptor"/>.
/// </summary>
/// <remarks>
/// Expansion runs once per key, so it is written for clarity, not speed. Only the hardware path
/// needs it: the portable path hands the raw key to System.Security.Cryptography.
/// </remarks>
internal static class AesKeySchedule
{
    /// <summary>Rounds of AES-128 (FIPS-197 table 4, Nr for Nk = 4).</summary>
    internal const int Aes128Rounds = 10;

    /// <summary>Rounds of AES-256 (FIPS-197 table 4, Nr for Nk = 8).</summary>
    internal const int Aes256Rounds = 14;

    /// <summary>
    /// True when the AES-NI path can run: AESENC/AESKEYGENASSIST plus SSSE3 PSHUFB for the
    /// counter byte swap. Read once; every CPU with AES-NI also has SSSE3 in practice.
    /// </summary>
    internal static readonly bool IsHardwareAccelerated = AesNi.IsSupported && Ssse3.IsSupported;

    /// <summary>True for the key lengths this library accepts (AES-128 and AES-256).</summary>
    internal static bool IsValidKeyLength(int length) => length is 16 or 32;

    /// <summary>
    /// Expands <paramref name="key"/> (16 or 32 bytes, already validated) into
    /// <paramref name="roundKeys"/> and returns the number of rounds.
    /// </summary>
    internal static int Expand(ReadOnlySpan<byte> key, ref AesRoundKeys roundKeys)
    {
        Debug.Assert(IsHardwareAccelerated, "Key expansion uses AES-NI; the portable path must not call it.");
        Debug.Assert(IsValidKeyLength(key.Length), "The caller validates the key length.");
        if (key.Length == 16)
        {
            Expand128(Vector128.Create(key), ref roundKeys);
            return Aes128Rounds;
        }

        Expand256(Vector128.Create(key), Vector128.Create(key[16..]), ref roundKeys);
        return Aes256Rounds;
    }

    // The round constants must be compile-time immediates for AESKEYGENASSIST, hence the unrolling.
    private static void Expand128(Vector128<byte> key, ref AesRoundKeys rk)
    {
        rk[0] = key;
        rk[1] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x01));
        rk[2] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x02));
        rk[3] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x04));
        rk[4] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x08));
        rk[5] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x10));
        rk[6] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x20));
        rk[7] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x40));
        rk[8] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x80));
        rk[9] = key = NextRotated(key, AesNi.KeygenAssist(key, 0x1B));
        rk[10] = NextRotated(key, AesNi.KeygenAssist(key, 0x36));

        // AES-128 leaves the last four slots unused; keep them zero rather than stale.
        for (int i = Aes128Rounds + 1; i < AesRoundKeys.MaxRoundKeys; i++)
        {
            rk[i] = default;
        }
    }

    // AES-256 alternates two half-steps: the even round key mixes in RotWord(SubWord(w)) ^ rcon of
    // the previous odd key, the odd round key only SubWord(w) of the previous even key (the
    // "i mod Nk = 4" case of FIPS-197 figure 11).
    private static void Expand256(Vector128<byte> low, Vector128<byte> high, ref AesRoundKeys rk)
    {
        rk[0] = low;
        rk[1] = high;
        rk[2] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x01));
        rk[3] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[4] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x02));
        rk[5] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[6] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x04));
        rk[7] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[8] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x08));
        rk[9] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[10] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x10));
        rk[11] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[12] = low = NextRotated(low, AesNi.KeygenAssist(high, 0x20));
        rk[13] = high = NextSubstituted(high, AesNi.KeygenAssist(low, 0x00));
        rk[14] = NextRotated(low, AesNi.KeygenAssist(high, 0x40));
    }

    // KeygenAssist(x, rcon) yields [SubWord(x1), RotWord(SubWord(x1)) ^ rcon, SubWord(x3), RotWord(SubWord(x3)) ^ rcon];
    // dword 3 is the temp of the standard schedule, broadcast and XORed into every word.
    private static Vector128<byte> NextRotated(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    // Dword 2 is SubWord(x3) with no rotation and no round constant.
    private static Vector128<byte> NextSubstituted(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte();

    /// <summary>Words [w0, w0^w1, w0^w1^w2, w0^w1^w2^w3]: each new word chains off the one before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> PrefixXor(Vector128<byte> words)
    {
        words ^= Sse2.ShiftLeftLogical128BitLane(words, 4);
        return words ^ Sse2.ShiftLeftLogical128BitLane(words, 8);
    }
}
