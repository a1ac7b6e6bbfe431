using System.Security.Cryptography;

namespace Devp2p.Interop.Tests;

/// <summary>The payload generator of tests/Interop/peer/payload.mjs, byte for byte (see its README).</summary>
internal static class Payloads
{
    public static byte[] Make(uint seed, int k, int size)
    {
        var bytes = new byte[size];
        uint x = unchecked(seed + 0x9E3779B9u * (uint)(k + 1));
        if (x == 0)
        {
            x = 1;
        }

        for (int i = 0; i < size; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[i] = (byte)x;
        }

        return bytes;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
