using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>One test per canonical-form rule of go-ethereum's decoder, through every read method it applies to.</summary>
public sealed partial class RlpReaderTests
{
    private static readonly string s_bytes55 = string.Concat(Enumerable.Repeat("61", 55));
    private static readonly string s_bytes56 = string.Concat(Enumerable.Repeat("61", 56));

    [Theory]
    [InlineData(ReadMethod.Bytes, "8100")]
    [InlineData(ReadMethod.Bytes, "8101")]
    [InlineData(ReadMethod.Bytes, "817f")]
    [InlineData(ReadMethod.String, "8161")]
    [InlineData(ReadMethod.UInt64, "8105")]
    [InlineData(ReadMethod.UInt32, "817f")]
    [InlineData(ReadMethod.Byte, "8101")]
    [InlineData(ReadMethod.Bool, "8101")]
    [InlineData(ReadMethod.UInt256, "8105")]
    [InlineData(ReadMethod.Skip, "8100")]
    [InlineData(ReadMethod.EncodedItem, "8100")]
    [InlineData(ReadMethod.Validate, "8100")]
    public void SingleByteBelow0x80WrappedInAString_IsRejected(ReadMethod method, string hex)
    {
        RlpException exception = AssertFails(method, hex, RlpError.NonCanonicalSize, 0);
        Assert.Contains($"0x{hex[2..]}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleByteFrom0x80WrappedInAString_IsAccepted()
    {
        var reader = new RlpReader(TestVectors.Hex("8180" + "81ff"));

        Assert.Equal("80", TestVectors.ToHex(reader.ReadBytes()));
        Assert.Equal(255, reader.ReadByte());
    }

    [Theory]
    [InlineData(ReadMethod.Bytes, "b801", 1, "ff")]
    [InlineData(ReadMethod.Bytes, "b837", 55, "aa")]
    [InlineData(ReadMethod.UInt64, "b801", 1, "81")]
    [InlineData(ReadMethod.List, "f801", 1, "80")]
    [InlineData(ReadMethod.List, "f837", 55, "80")]
    [InlineData(ReadMethod.Skip, "f801", 1, "80")]
    [InlineData(ReadMethod.Validate, "b837", 55, "aa")]
    public void LongFormForSizeBelow56_IsRejected(ReadMethod method, string header, int declared, string fill)
    {
        // The declared payload is present, so only the choice of size form is wrong.
        string hex = header + string.Concat(Enumerable.Repeat(fill, declared));

        RlpException exception = AssertFails(method, hex, RlpError.NonCanonicalSize, 0);
        Assert.Contains($"of {declared} byte(s) uses the long size form", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongFormAtSize56_IsAccepted()
    {
        var reader = new RlpReader(TestVectors.Hex("b838" + s_bytes56));
        Assert.Equal(56, reader.ReadBytes().Length);

        var list = new RlpReader(TestVectors.Hex("f838" + string.Concat(Enumerable.Repeat("80", 56))));
        RlpReader content = list.ReadList();
        Assert.Equal(56, content.Remaining);
    }

    [Fact]
    public void ShortFormAtSize55_IsAccepted()
    {
        var reader = new RlpReader(TestVectors.Hex("b7" + s_bytes55));
        Assert.Equal(55, reader.ReadBytes().Length);
    }

    [Theory]
    [InlineData(ReadMethod.Bytes, "b90038")]
    [InlineData(ReadMethod.List, "f90038")]
    [InlineData(ReadMethod.Skip, "ba000100")]
    [InlineData(ReadMethod.Bytes, "b800")]
    [InlineData(ReadMethod.List, "f800")]
    [InlineData(ReadMethod.Validate, "f90038")]
    public void LeadingZeroInSizeField_IsRejected(ReadMethod method, string hexHeader)
    {
        // Even with enough payload present, the size field must be minimal.
        string payload = string.Concat(Enumerable.Repeat("aa", 300));
        RlpException exception = AssertFails(method, hexHeader + payload, RlpError.NonCanonicalSize, 0);
        Assert.Contains("starts with a zero byte", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadMethod.UInt64, "00", "0x00")]
    [InlineData(ReadMethod.UInt32, "00", "0x00")]
    [InlineData(ReadMethod.Bool, "00", "0x00")]
    [InlineData(ReadMethod.UInt256, "00", "0x00")]
    [InlineData(ReadMethod.UInt64, "820001", "2-byte")]
    [InlineData(ReadMethod.UInt64, "8200ff", "2-byte")]
    [InlineData(ReadMethod.UInt64, "880000000000000001", "8-byte")]
    [InlineData(ReadMethod.UInt16, "820080", "2-byte")]
    [InlineData(ReadMethod.UInt256, "a0000000000000000000000000000000000000000000000000000000000000ffff", "32-byte")]
    [InlineData(ReadMethod.UInt256, "8900ffffffffffffffff", "9-byte")]
    public void LeadingZeroInInteger_IsRejected(ReadMethod method, string hex, string detail)
    {
        RlpException exception = AssertFails(method, hex, RlpError.NonCanonicalInteger, 0);
        Assert.Contains(detail, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LeadingZeroInInteger_IsStillAValidByteString()
    {
        // Integer rules belong to the typed reads: as bytes, 0x82 0x00 0x01 is canonical.
        byte[] encoded = TestVectors.Hex("820001");
        RlpCodec.Validate(encoded);
        Assert.Equal("0001", TestVectors.ToHex(new RlpReader(encoded).ReadBytes()));
    }

    [Theory]
    [InlineData(ReadMethod.UInt64, "89010000000000000000", 9, 8, "UInt64")]
    [InlineData(ReadMethod.UInt32, "850100000000", 5, 4, "UInt32")]
    [InlineData(ReadMethod.UInt16, "83010000", 3, 2, "UInt16")]
    [InlineData(ReadMethod.Byte, "820100", 2, 1, "Byte")]
    [InlineData(ReadMethod.Bool, "820100", 2, 1, "Boolean")]
    [InlineData(ReadMethod.UInt256, "a1010000000000000000000000000000000000000000000000000000000000000000", 33, 32, "UInt256")]
    [InlineData(ReadMethod.UInt64, "b8380100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 56, 8, "UInt64")]
    public void IntegerTooLargeForTheType_IsRejected(ReadMethod method, string hex, int length, int limit, string type)
    {
        RlpException exception = AssertFails(method, hex, RlpError.IntegerOverflow, 0);
        Assert.Contains($"{length} bytes long", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{type} holds at most {limit}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadMethod.Bytes, "836162", 2)]
    [InlineData(ReadMethod.Bytes, "a0", 0)]
    [InlineData(ReadMethod.UInt64, "8401", 1)]
    [InlineData(ReadMethod.UInt256, "9f01", 1)]
    [InlineData(ReadMethod.List, "c30102", 2)]
    [InlineData(ReadMethod.List, "f9010080", 1)]
    [InlineData(ReadMethod.Skip, "bf7fffffffffffffff", 0)]
    [InlineData(ReadMethod.Validate, "ff7fffffffffffffff00", 1)]
    public void SizeBeyondTheInput_IsRejected(ReadMethod method, string hex, int available)
    {
        RlpException exception = AssertFails(method, hex, RlpError.ValueTooLarge, 0);
        Assert.Contains($"only {available} byte(s) remain in the input", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadMethod.Bytes, "b9")]
    [InlineData(ReadMethod.Bytes, "b901")]
    [InlineData(ReadMethod.List, "fb0102")]
    [InlineData(ReadMethod.Validate, "f8")]
    public void InputEndingInsideTheSizeField_IsRejected(ReadMethod method, string hex)
    {
        RlpException exception = AssertFails(method, hex, RlpError.UnexpectedEnd, 0);
        Assert.Contains("size field", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadMethod.Bytes)]
    [InlineData(ReadMethod.UInt64)]
    [InlineData(ReadMethod.UInt256)]
    [InlineData(ReadMethod.List)]
    [InlineData(ReadMethod.Skip)]
    [InlineData(ReadMethod.Validate)]
    public void EmptyInput_IsRejected(ReadMethod method)
    {
        AssertFails(method, string.Empty, RlpError.UnexpectedEnd, 0);
    }

    [Theory]
    [InlineData("c2826162", 1, 1)] // the list holds 0x82 0x61; the string's second byte lies outside it
    [InlineData("c2c28080", 1, 1)] // the inner list declares 2 bytes of content; its outer list holds only 1 more
    [InlineData("c1b9", 1, 0)]     // the list ends inside the string's size field
    public void ValueRunningPastTheEndOfItsList_IsRejected(string hex, int offset, int available)
    {
        byte[] encoded = TestVectors.Hex(hex);

        RlpException exception = Assert.Throws<RlpException>(() =>
        {
            var reader = new RlpReader(encoded);
            RlpReader list = reader.ReadList();
            list.Skip();
        });
        Assert.Equal(offset, exception.Offset);
        Assert.Contains("enclosing list", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"only {available} byte(s) remain", exception.Message, StringComparison.Ordinal);
        Assert.Equal(hex == "c1b9" ? RlpError.UnexpectedEnd : RlpError.ElementTooLarge, exception.Error);

        // The whole-tree validator reports the same failure, whatever follows the list.
        RlpException validated = Assert.Throws<RlpException>(() => RlpCodec.Validate(encoded));
        Assert.Equal(exception.Error, validated.Error);
        Assert.Equal(exception.Offset, validated.Offset);
    }

    [Fact]
    public void ReadingPastTheLastItemOfAList_IsRejected()
    {
        var reader = new RlpReader(TestVectors.Hex("c105"));
        RlpReader list = reader.ReadList();
        Assert.Equal(5, list.ReadByte());

        RlpException exception = Assert.Throws<RlpException>(() =>
        {
            var inner = new RlpReader(TestVectors.Hex("c105")).ReadList();
            inner.Skip();
            inner.ReadUInt64();
        });
        Assert.Equal(RlpError.UnexpectedEnd, exception.Error);
        Assert.Equal(2, exception.Offset);
        Assert.Contains("RLP list ends at offset 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrailingBytesAfterTheValue_AreRejected()
    {
        AssertFails(ReadMethod.Validate, "8080", RlpError.TrailingBytes, 1);

        RlpException exception = Assert.Throws<RlpException>(() =>
        {
            var reader = new RlpReader(TestVectors.Hex("c0" + "0102"));
            reader.ReadList();
            reader.EnsureEnd();
        });
        Assert.Equal(RlpError.TrailingBytes, exception.Error);
        Assert.Equal(1, exception.Offset);
        Assert.Contains("2 trailing byte(s) at offset 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadItemsAtTheEndOfAList_AreRejected()
    {
        RlpException exception = Assert.Throws<RlpException>(() =>
        {
            var reader = new RlpReader(TestVectors.Hex("c3058080"));
            RlpReader list = reader.ReadList();
            list.ReadByte();
            list.EnsureEnd();
        });
        Assert.Equal(RlpError.TrailingBytes, exception.Error);
        Assert.Equal(2, exception.Offset);
        Assert.Contains("list has 2 unread byte(s) at offset 2", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadMethod.Bytes, "c0", RlpError.ExpectedByteString, "byte string")]
    [InlineData(ReadMethod.String, "c0", RlpError.ExpectedByteString, "byte string")]
    [InlineData(ReadMethod.UInt64, "c0", RlpError.ExpectedByteString, "integer")]
    [InlineData(ReadMethod.UInt32, "c180", RlpError.ExpectedByteString, "integer")]
    [InlineData(ReadMethod.Bool, "c0", RlpError.ExpectedByteString, "integer")]
    [InlineData(ReadMethod.UInt256, "f838" + "8080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080808080", RlpError.ExpectedByteString, "integer")]
    [InlineData(ReadMethod.List, "80", RlpError.ExpectedList, "list")]
    [InlineData(ReadMethod.List, "05", RlpError.ExpectedList, "list")]
    [InlineData(ReadMethod.List, "b838" + "6161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161", RlpError.ExpectedList, "list")]
    public void WrongKindForTheMethod_IsRejected(ReadMethod method, string hex, RlpError error, string expected)
    {
        RlpException exception = AssertFails(method, hex, error, 0);
        Assert.Contains($"Expected an RLP {expected}", exception.Message, StringComparison.Ordinal);
        Assert.Contains(error == RlpError.ExpectedList ? "found a byte string" : "found a list", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsInNestedListsReportAbsoluteOffsets()
    {
        RlpException exception = Assert.Throws<RlpException>(() =>
        {
            var reader = new RlpReader(TestVectors.Hex("80c4c3820001"));
            reader.Skip();
            RlpReader outer = reader.ReadList();
            RlpReader inner = outer.ReadList();
            inner.ReadUInt64();
        });

        Assert.Equal(RlpError.NonCanonicalInteger, exception.Error);
        Assert.Equal(3, exception.Offset);
    }
}
