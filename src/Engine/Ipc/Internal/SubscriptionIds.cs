using System.Security.Cryptography;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Subscription ids as go-ethereum makes them (<c>rpc/subscription.go</c>, <c>encodeID</c>): 16 random
/// bytes as a hex quantity, "0x" without leading zeros ("0x0" for all zeros). geth draws them from a
/// math/rand generator seeded from crypto/rand; these come from the system CSPRNG directly.
/// </summary>
internal static class SubscriptionIds
{
    private const int IdBytes = 16;

    public static string Next()
    {
        Span<byte> bytes = stackalloc byte[IdBytes];
        RandomNumberGenerator.Fill(bytes);
        return Encode(bytes);
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        string hex = Convert.ToHexStringLower(bytes).TrimStart('0');
        return hex.Length == 0 ? "0x0" : "0x" + hex;
    }
}
