using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>Integer and boolean reads at every byte-length boundary.</summary>
public sealed partial class RlpReaderTests
{
    public static TheoryData<ulong, string> IntegerEncodings => new()
    {
        { 0UL, "80" },
        { 1UL, "01" },
        { 0x7FUL, "7f" },
        { 0x80UL, "8180" },
        { 0xFFUL, "81ff" },
        { 0x100UL, "820100" },
        { 0xFFFFUL, "82ffff" },
        { 0x1_0000UL, "83010000" },
        { 0xFF_FFFFUL, "83ffffff" },
        { 0x100_0000UL, "8401000000" },
        { uint.MaxValue, "84ffffffff" },
        { 0x1_0000_0000UL, "850100000000" },
        { 0xFF_FFFF_FFFFUL, "85ffffffffff" },
        { 0x100_0000_0000UL, "86010000000000" },
        { 0x1_0000_0000_0000UL, "8701000000000000" },
        { 0x100_0000_0000_0000UL, "880100000000000000" },
        { ulong.MaxValue, "88ffffffffffffffff" },
    };

    [Theory]
    [MemberData(nameof(IntegerEncodings))]
    public void ReadUInt64_DecodesEveryLength(ulong value, string hex)
    {
        var reader = new RlpReader(TestVectors.Hex(hex));

        Assert.Equal(value, reader.ReadUInt64());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [MemberData(nameof(IntegerEncodings))]
    public void NarrowReads_AcceptExactlyTheValuesThatFit(ulong value, string hex)
    {
        byte[] encoded = TestVectors.Hex(hex);

        AssertNarrowRead(encoded, value, byte.MaxValue, static (ref RlpReader r) => r.ReadByte());
        AssertNarrowRead(encoded, value, ushort.MaxValue, static (ref RlpReader r) => r.ReadUInt16());
        AssertNarrowRead(encoded, value, uint.MaxValue, static (ref RlpReader r) => r.ReadUInt32());

        var reader = new RlpReader(encoded);
        Assert.Equal((UInt256)value, reader.ReadUInt256());
    }

    [Fact]
    public void ReadUInt256_DecodesWideValues()
    {
        var reader = new RlpReader(TestVectors.Hex(
            "89010000000000000000" + "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" + "8f102030405060708090a0b0c0d0e0f2"));

        Assert.Equal(new UInt256(0, 0, 1, 0), reader.ReadUInt256());
        Assert.Equal(UInt256.MaxValue, reader.ReadUInt256());
        Assert.Equal(new UInt256(0, 0, 0x0010_2030_4050_6070, 0x8090_a0b0_c0d0_e0f2), reader.ReadUInt256());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void ReadBool_AcceptsOnlyZeroAndOne()
    {
        var reader = new RlpReader(TestVectors.Hex("0180"));
        Assert.True(reader.ReadBool());
        Assert.False(reader.ReadBool());

        RlpException two = AssertFails(ReadMethod.Bool, "02", RlpError.InvalidBoolean, 0);
        Assert.Contains("value 2", two.Message, StringComparison.Ordinal);
        AssertFails(ReadMethod.Bool, "8180", RlpError.InvalidBoolean, 0);
    }

    private delegate ulong NarrowRead(ref RlpReader reader);

    private static void AssertNarrowRead(byte[] encoded, ulong value, ulong max, NarrowRead read)
    {
        var reader = new RlpReader(encoded);
        if (value <= max)
        {
            Assert.Equal(value, read(ref reader));
            Assert.True(reader.IsAtEnd);
            return;
        }

        try
        {
            read(ref reader);
            Assert.Fail($"{value} was read into a type whose maximum is {max}.");
        }
        catch (RlpException exception)
        {
            Assert.Equal(RlpError.IntegerOverflow, exception.Error);
        }
    }
}
