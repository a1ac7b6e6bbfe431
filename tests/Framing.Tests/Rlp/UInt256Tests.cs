using System.Globalization;
using System.Numerics;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary><see cref="UInt256"/> checked against <see cref="BigInteger"/> as the oracle.</summary>
public sealed class UInt256Tests
{
    private static readonly BigInteger s_twoTo256 = BigInteger.One << 256;

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FormattingMatchesBigInteger(int seed)
    {
        foreach (UInt256 value in Samples(seed))
        {
            BigInteger big = RlpNode.ToBigInteger(value);

            Assert.Equal(big.ToString(CultureInfo.InvariantCulture), value.ToString());
            Assert.Equal(big.ToString(CultureInfo.InvariantCulture), value.ToString("D", null));
            Assert.Equal(MinimalHex(big), value.ToString("x", null));
            Assert.Equal(MinimalHex(big).ToUpperInvariant(), value.ToString("X", null));
            Assert.Equal(MinimalHex(big).PadLeft(64, '0'), value.ToString("x64", null));
        }
    }

    [Fact]
    public void FormattingEdgeValues()
    {
        Assert.Equal("0", UInt256.Zero.ToString());
        Assert.Equal("0", UInt256.Zero.ToString("x", null));
        Assert.Equal("00000", UInt256.Zero.ToString("D5", null));
        Assert.Equal(
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
            UInt256.MaxValue.ToString());
        Assert.Equal(new string('f', 64), UInt256.MaxValue.ToString("x", null));
        Assert.Equal("18446744073709551616", new UInt256(0, 0, 1, 0).ToString());
        Assert.Equal("10000000000000000000", ((UInt256)10_000_000_000_000_000_000UL).ToString());
        Assert.Throws<FormatException>(() => UInt256.One.ToString("N", null));
        Assert.Throws<FormatException>(() => UInt256.One.ToString("x100", null));
    }

    [Fact]
    public void TryFormat_ReportsAShortDestination()
    {
        Span<char> small = stackalloc char[2];
        Assert.False(((UInt256)12345UL).TryFormat(small, out int written, default, null));
        Assert.Equal(0, written);

        Span<char> enough = stackalloc char[5];
        Assert.True(((UInt256)12345UL).TryFormat(enough, out written, default, null));
        Assert.Equal("12345", enough[..written].ToString());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ComparisonAndEqualityMatchBigInteger(int seed)
    {
        UInt256[] values = [.. Samples(seed)];
        foreach (UInt256 left in values)
        {
            foreach (UInt256 right in values)
            {
                int expected = RlpNode.ToBigInteger(left).CompareTo(RlpNode.ToBigInteger(right));
                Assert.Equal(Math.Sign(expected), Math.Sign(left.CompareTo(right)));
                Assert.Equal(expected == 0, left == right);
                Assert.Equal(expected != 0, left != right);
                Assert.Equal(expected < 0, left < right);
                Assert.Equal(expected <= 0, left <= right);
                Assert.Equal(expected > 0, left > right);
                Assert.Equal(expected >= 0, left >= right);
                Assert.Equal(expected == 0, left.Equals((object)right));
                if (expected == 0)
                {
                    Assert.Equal(left.GetHashCode(), right.GetHashCode());
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void BigEndianRoundTrips(int seed)
    {
        Span<byte> full = stackalloc byte[UInt256.Size];
        foreach (UInt256 value in Samples(seed))
        {
            value.WriteBigEndian(full);
            byte[] expected = RlpNode.ToBigInteger(value).ToByteArray(isUnsigned: true, isBigEndian: true);
            Assert.Equal(TestVectors.ToHex(expected).PadLeft(64, '0'), TestVectors.ToHex(full));
            Assert.Equal(value, UInt256.ReadBigEndian(full));

            // Shorter input is zero-extended on the left.
            byte[] minimal = RlpNode.ToMinimalBigEndian(RlpNode.ToBigInteger(value));
            Assert.Equal(value, UInt256.ReadBigEndian(minimal));
        }
    }

    [Fact]
    public void BigEndianRejectsWrongSizes()
    {
        Assert.Throws<ArgumentException>(() => UInt256.ReadBigEndian(new byte[33]));
        Assert.Throws<ArgumentException>(() => UInt256.One.WriteBigEndian(new byte[31]));
        Assert.Equal(UInt256.Zero, UInt256.ReadBigEndian([]));
    }

    [Fact]
    public void ConversionsToAndFromUInt64()
    {
        UInt256 value = 0x1234UL;
        Assert.Equal(0x1234UL, (ulong)value);
        Assert.Equal(ulong.MaxValue, (ulong)(UInt256)ulong.MaxValue);
        Assert.Throws<OverflowException>(() => (ulong)new UInt256(0, 0, 1, 0));
        Assert.True(UInt256.Zero.IsZero);
        Assert.False(UInt256.One.IsZero);
        Assert.Equal(1UL, UInt256.One.Lower);
    }

    [Fact]
    public void CompareToObject()
    {
        Assert.Equal(1, UInt256.One.CompareTo(null));
        Assert.Equal(0, UInt256.One.CompareTo((object)UInt256.One));
        Assert.Throws<ArgumentException>(() => UInt256.One.CompareTo("1"));
    }

    private static string MinimalHex(BigInteger value) =>
        value.IsZero ? "0" : TestVectors.ToHex(value.ToByteArray(isUnsigned: true, isBigEndian: true)).TrimStart('0');

    /// <summary>Values with every limb pattern: zero limbs, full limbs, single bits, and random ones.</summary>
    private static IEnumerable<UInt256> Samples(int seed)
    {
        var random = new Random(seed);
        ulong[] limbChoices = [0, 1, ulong.MaxValue, 1UL << 63, 9_999_999_999_999_999_999, 10_000_000_000_000_000_000];
        for (int i = 0; i < 40; i++)
        {
            ulong Limb() => random.Next(3) == 0 ? limbChoices[random.Next(limbChoices.Length)] : (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            var value = new UInt256(Limb(), Limb(), Limb(), Limb());
            Assert.True(RlpNode.ToBigInteger(value) < s_twoTo256);
            yield return value;
        }

        yield return UInt256.Zero;
        yield return UInt256.MaxValue;
    }
}
