using System.Buffers;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

public sealed class RlpWriterTests
{
    [Theory]
    [MemberData(nameof(RlpReaderTests.IntegerEncodings), MemberType = typeof(RlpReaderTests))]
    public void WriteUInt64_WritesCanonicalIntegers(ulong value, string hex)
    {
        Assert.Equal(hex.Length / 2, RlpCodec.GetIntegerLength(value));
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteUInt64(value)));

        // Through UInt256 the same value has the same encoding.
        var wide = (UInt256)value;
        Assert.Equal(hex.Length / 2, RlpCodec.GetIntegerLength(wide));
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteUInt256(wide)));
    }

    [Theory]
    [InlineData(0UL, 0UL, 1UL, 0UL, "89010000000000000000")]
    [InlineData(0UL, 0UL, 0xFFUL, ulong.MaxValue, "89ffffffffffffffffff")]
    [InlineData(0UL, 1UL, 0UL, 0UL, "91010000000000000000" + "0000000000000000")]
    [InlineData(0x0100_0000_0000_0000UL, 0UL, 0UL, 0UL, "a00100000000000000" + "000000000000000000000000000000000000000000000000")]
    [InlineData(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void WriteUInt256_WritesMinimalBigEndian(ulong upper, ulong upperMiddle, ulong lowerMiddle, ulong lower, string hex)
    {
        var value = new UInt256(upper, upperMiddle, lowerMiddle, lower);

        Assert.Equal(hex.Length / 2, RlpCodec.GetIntegerLength(value));
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteUInt256(value)));
    }

    [Theory]
    [InlineData(0, "80")]
    [InlineData(2, "82")]
    [InlineData(55, "b7")]
    [InlineData(56, "b838")]
    [InlineData(255, "b8ff")]
    [InlineData(256, "b90100")]
    [InlineData(65535, "b9ffff")]
    [InlineData(65536, "ba010000")]
    [InlineData(16_777_216, "bb01000000")]
    public void WriteBytes_ChoosesTheHeaderFormBySize(int length, string header)
    {
        byte[] payload = new byte[length];
        new Random(length).NextBytes(payload);
        if (length > 0)
        {
            payload[0] = 0x80; // keep a 1-byte case out of the single-byte form
        }

        int expectedLength = (header.Length / 2) + length;
        Assert.Equal(expectedLength, RlpCodec.GetByteStringLength(payload));

        byte[] buffer = new byte[expectedLength];
        var writer = new RlpWriter(buffer);
        writer.WriteBytes(payload);

        Assert.Equal(expectedLength, writer.BytesWritten);
        Assert.Equal(0, writer.FreeCapacity);
        Assert.Equal(header, TestVectors.ToHex(buffer.AsSpan(0, header.Length / 2)));
        Assert.True(buffer.AsSpan(header.Length / 2).SequenceEqual(payload));
    }

    [Theory]
    [InlineData("00", "00")]
    [InlineData("7f", "7f")]
    [InlineData("80", "8180")]
    [InlineData("ff", "81ff")]
    public void WriteBytes_WritesASingleByteBelow0x80AsItself(string value, string hex)
    {
        byte[] bytes = TestVectors.Hex(value);

        Assert.Equal(hex.Length / 2, RlpCodec.GetByteStringLength(bytes));
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteBytes(bytes)));
    }

    [Theory]
    [InlineData(0, "c0")]
    [InlineData(55, "f7")]
    [InlineData(56, "f838")]
    [InlineData(256, "f90100")]
    [InlineData(65536, "fa010000")]
    [InlineData(int.MaxValue, "fb7fffffff")]
    public void WriteListHeader_ChoosesTheHeaderFormBySize(int contentLength, string hex)
    {
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteListHeader(contentLength)));
        if (contentLength < int.MaxValue - 5)
        {
            Assert.Equal((hex.Length / 2) + contentLength, RlpCodec.GetListLength(contentLength));
        }
    }

    [Fact]
    public void LengthHelpers_RejectNegativeAndOverflowingSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RlpCodec.GetListLength(-1));
        Assert.Throws<OverflowException>(() => RlpCodec.GetListLength(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new RlpWriter(new byte[8]);
            writer.WriteListHeader(-1);
        });
    }

    [Theory]
    [InlineData("", "80")]
    [InlineData("a", "61")]
    [InlineData("\0", "00")]
    [InlineData("dog", "83646f67")]
    [InlineData("é", "82c3a9")]
    [InlineData("\U0001F600", "84f09f9880")]
    public void WriteString_WritesUtf8(string value, string hex)
    {
        Assert.Equal(hex.Length / 2, RlpCodec.GetStringLength(value));
        Assert.Equal(hex, Write(hex.Length / 2, (ref RlpWriter w) => w.WriteString(value)));
    }

    [Fact]
    public void WriteString_RejectsALoneSurrogate()
    {
        Assert.ThrowsAny<ArgumentException>(() => RlpCodec.GetStringLength("a\ud800b"));
        Assert.ThrowsAny<ArgumentException>(() =>
        {
            var writer = new RlpWriter(new byte[16]);
            writer.WriteString("a\ud800b");
        });
    }

    [Fact]
    public void WriteBool_WritesOneOrZero()
    {
        Assert.Equal("0180", Write(2, (ref RlpWriter w) =>
        {
            w.WriteBool(true);
            w.WriteBool(false);
        }));
    }

    [Fact]
    public void WriteEncoded_CopiesBytesVerbatim()
    {
        Assert.Equal("c2010283646f67", Write(7, (ref RlpWriter w) =>
        {
            w.WriteEncoded(TestVectors.Hex("c20102"));
            w.WriteEncoded(TestVectors.Hex("83646f67"));
        }));
    }

    [Fact]
    public void WrittenSpan_IsThePrefixWritten()
    {
        byte[] buffer = new byte[8];
        var writer = new RlpWriter(buffer);
        writer.WriteUInt64(1024);

        Assert.Equal("820400", TestVectors.ToHex(writer.WrittenSpan));
        Assert.Equal(5, writer.FreeCapacity);
    }

    public static TheoryData<string> TooSmallCases => new()
    {
        "bytes", "long-bytes", "string", "uint64", "uint256", "bool", "list", "encoded",
    };

    [Theory]
    [MemberData(nameof(TooSmallCases))]
    public void EveryWrite_ThrowsAndWritesNothingWhenTheDestinationIsTooSmall(string method)
    {
        byte[] buffer = new byte[3];
        buffer.AsSpan().Fill(0xEE);

        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new RlpWriter(buffer);
            writer.WriteUInt64(5); // one byte used, two free
            try
            {
                switch (method)
                {
                    case "bytes": writer.WriteBytes([0x80, 0x81]); break;
                    case "long-bytes": writer.WriteBytes(new byte[100]); break;
                    case "string": writer.WriteString("abc"); break;
                    case "uint64": writer.WriteUInt64(0x10000); break;
                    case "uint256": writer.WriteUInt256(UInt256.MaxValue); break;
                    case "bool": writer.WriteEncoded([1, 2]); writer.WriteBool(true); break;
                    case "list": writer.WriteListHeader(1000); break;
                    case "encoded": writer.WriteEncoded([1, 2, 3]); break;
                }
            }
            finally
            {
                Assert.True(writer.BytesWritten is 1 or 3);
            }
        });

        Assert.Contains("destination too small", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at offset", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0x05, buffer[0]);
        if (method != "bool")
        {
            Assert.Equal("eeee", TestVectors.ToHex(buffer.AsSpan(1)));
        }
    }

    [Fact]
    public void DefaultWriter_HasNoRoom()
    {
        RlpWriter writer = default;

        Assert.Equal(0, writer.FreeCapacity);
        Assert.Throws<InvalidOperationException>(() =>
        {
            RlpWriter empty = default;
            empty.WriteBool(true);
        });
    }

    private delegate void WriteAction(ref RlpWriter writer);

    /// <summary>Writes into a buffer of exactly <paramref name="size"/> bytes and returns the hex of the whole buffer.</summary>
    private static string Write(int size, WriteAction action)
    {
        byte[] buffer = new byte[size];
        var writer = new RlpWriter(buffer);
        action(ref writer);
        Assert.Equal(size, writer.BytesWritten);
        return TestVectors.ToHex(buffer);
    }
}
