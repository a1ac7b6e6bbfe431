using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// Behaviour of <see cref="RlpReader"/>, split by concern: canonical-form rejection
/// (RlpReaderTests.Canonical.cs), integers (RlpReaderTests.Integer.cs) and navigation here.
/// </summary>
public sealed partial class RlpReaderTests
{
    /// <summary>The read methods a table row can name, so one theory covers every method.</summary>
    public enum ReadMethod
    {
        Bytes,
        String,
        UInt64,
        UInt32,
        UInt16,
        Byte,
        Bool,
        UInt256,
        List,
        Skip,
        EncodedItem,
        Validate,
    }

    [Fact]
    public void PeekKind_ReportsEachItemAndTheEnd()
    {
        var reader = new RlpReader(TestVectors.Hex("0580c0"));

        Assert.Equal(RlpKind.ByteString, reader.PeekKind());
        reader.Skip();
        Assert.Equal(RlpKind.ByteString, reader.PeekKind());
        reader.Skip();
        Assert.Equal(RlpKind.List, reader.PeekKind());
        reader.Skip();
        Assert.Equal(RlpKind.End, reader.PeekKind());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void PeekKind_DoesNotValidateTheHeader()
    {
        // 0xb8 0x00 is non-canonical, but peeking only classifies the prefix; the read rejects it.
        var reader = new RlpReader(TestVectors.Hex("b800"));

        Assert.Equal(RlpKind.ByteString, reader.PeekKind());
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void ReadList_ConfinesTheNestedReaderAndKeepsAbsoluteOffsets()
    {
        // [ "dog", [ 5 ] ] followed by one more top-level item.
        byte[] encoded = TestVectors.Hex("c683646f67c10580");
        var reader = new RlpReader(encoded);
        Assert.Equal(0, reader.Position);
        Assert.Equal(8, reader.Remaining);

        RlpReader list = reader.ReadList();
        Assert.Equal(7, reader.Position);
        Assert.Equal(1, reader.Remaining);
        Assert.Equal(1, list.Position);
        Assert.Equal(6, list.Remaining);

        Assert.Equal("dog", list.ReadString());
        Assert.Equal(5, list.Position);

        RlpReader inner = list.ReadList();
        Assert.True(list.IsAtEnd);
        Assert.Equal(6, inner.Position);
        Assert.Equal(5UL, inner.ReadUInt64());
        Assert.Equal(7, inner.Position);
        Assert.True(inner.IsAtEnd);
        Assert.Equal(RlpKind.End, inner.PeekKind());
        inner.EnsureEnd();
        list.EnsureEnd();

        Assert.Equal(0UL, reader.ReadUInt64());
        reader.EnsureEnd();
    }

    [Fact]
    public void ReadBytes_ReturnsASliceOfTheInput()
    {
        byte[] encoded = TestVectors.Hex("83646f67");
        var reader = new RlpReader(encoded);

        ReadOnlySpan<byte> value = reader.ReadBytes();

        Assert.True(((ReadOnlySpan<byte>)encoded).Overlaps(value, out int elementOffset));
        Assert.Equal(1, elementOffset);
        Assert.Equal(3, value.Length);
    }

    [Fact]
    public void ReadBytes_ReturnsASingleByteAsItself()
    {
        var reader = new RlpReader(TestVectors.Hex("7f8180"));

        Assert.Equal("7f", TestVectors.ToHex(reader.ReadBytes()));
        Assert.Equal("80", TestVectors.ToHex(reader.ReadBytes()));
    }

    [Theory]
    [InlineData(56, "b838")]
    [InlineData(255, "b8ff")]
    [InlineData(256, "b90100")]
    [InlineData(65535, "b9ffff")]
    [InlineData(65536, "ba010000")]
    public void ReadBytes_ReadsLongForms(int length, string header)
    {
        byte[] payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] encoded = [.. TestVectors.Hex(header), .. payload];
        var reader = new RlpReader(encoded);

        Assert.True(reader.ReadBytes().SequenceEqual(payload));
        reader.EnsureEnd();
    }

    [Fact]
    public void Skip_MovesPastItemsWithoutInspectingListContent()
    {
        // The list holds 0x81 0x00, which is non-canonical; Skip checks only the list's header.
        byte[] encoded = TestVectors.Hex("c2810005");
        var reader = new RlpReader(encoded);

        reader.Skip();

        Assert.Equal(3, reader.Position);
        Assert.Equal(5UL, reader.ReadUInt64());
        Assert.Equal(RlpError.NonCanonicalSize, Assert.Throws<RlpException>(() => RlpCodec.Validate(encoded[..3])).Error);
    }

    [Fact]
    public void ReadEncodedItem_ReturnsHeaderAndPayload()
    {
        var reader = new RlpReader(TestVectors.Hex("83646f67c3010203" + "05"));

        Assert.Equal("83646f67", TestVectors.ToHex(reader.ReadEncodedItem()));
        Assert.Equal("c3010203", TestVectors.ToHex(reader.ReadEncodedItem()));
        Assert.Equal("05", TestVectors.ToHex(reader.ReadEncodedItem()));
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void CountItems_CountsWithoutMovingAndValidatesHeaders()
    {
        var reader = new RlpReader(TestVectors.Hex("c8" + "05" + "83646f67" + "c28100" + "80"));
        RlpReader list = reader.ReadList();

        Assert.Equal(3, list.CountItems());
        Assert.Equal(1, list.Position);
        list.Skip();
        Assert.Equal(2, list.CountItems());
        Assert.Equal(2, reader.CountItems() + 1);

        RlpException exception = Assert.Throws<RlpException>(() => new RlpReader(TestVectors.Hex("05" + "83646f")).CountItems());
        Assert.Equal(RlpError.ValueTooLarge, exception.Error);
        Assert.Equal(1, exception.Offset);
    }

    [Fact]
    public void ReadFixedBytes_AcceptsOnlyTheRequiredLength()
    {
        byte[] hash = new byte[32];
        hash[0] = 0xAB;
        byte[] encoded = [0xA0, .. hash];

        var reader = new RlpReader(encoded);
        Assert.True(reader.ReadFixedBytes(32).SequenceEqual(hash));

        RlpException exception = Assert.Throws<RlpException>(() => new RlpReader(encoded).ReadFixedBytes(20));
        Assert.Equal(RlpError.UnexpectedLength, exception.Error);
        Assert.Contains("32 byte(s)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("exactly 20", exception.Message, StringComparison.Ordinal);

        var single = new RlpReader([0x05]);
        Assert.Equal("05", TestVectors.ToHex(single.ReadFixedBytes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RlpReader(encoded).ReadFixedBytes(-1));
    }

    [Fact]
    public void ReadString_DecodesUtf8AndRejectsIllFormedBytes()
    {
        var reader = new RlpReader(TestVectors.Hex("82c3a9" + "84f09f9880" + "80"));
        Assert.Equal("é", reader.ReadString());
        Assert.Equal("\U0001F600", reader.ReadString());
        Assert.Same(string.Empty, reader.ReadString());

        // 0xc3 0x28: a lead byte followed by a non-continuation byte.
        RlpException exception = Assert.Throws<RlpException>(() => new RlpReader(TestVectors.Hex("82c328")).ReadString());
        Assert.Equal(RlpError.InvalidUtf8, exception.Error);
        Assert.Equal(0, exception.Offset);

        byte[] text = TestVectors.Hex("83646f67");
        var bytesReader = new RlpReader(text);
        Assert.True(bytesReader.ReadUtf8Bytes().Overlaps(text));
    }

    [Fact]
    public void ReadGeneric_DecodesWithTheStaticAbstractFactory()
    {
        SampleBlockHeader header = SampleBlockHeader.Create(7);
        byte[] encoded = [.. RlpCodec.EncodeToArray(header), 0x05];
        var reader = new RlpReader(encoded);

        SampleBlockHeader decoded = reader.Read<SampleBlockHeader>();

        Assert.True(decoded.Equals(header));
        Assert.Equal(5UL, reader.ReadUInt64());
        reader.EnsureEnd();
    }

    [Fact]
    public void DefaultReader_IsAtEnd()
    {
        RlpReader reader = default;

        Assert.True(reader.IsAtEnd);
        Assert.Equal(RlpKind.End, reader.PeekKind());
        reader.EnsureEnd();
        Assert.Equal(RlpError.UnexpectedEnd, Assert.Throws<RlpException>(() => default(RlpReader).ReadBytes()).Error);
    }

    /// <summary>Runs one read method on a fresh reader over <paramref name="input"/> (at the top level).</summary>
    private static void Read(ReadMethod method, byte[] input)
    {
        var reader = new RlpReader(input);
        Read(method, ref reader);
    }

    private static void Read(ReadMethod method, ref RlpReader reader)
    {
        switch (method)
        {
            case ReadMethod.Bytes: reader.ReadBytes(); break;
            case ReadMethod.String: reader.ReadString(); break;
            case ReadMethod.UInt64: reader.ReadUInt64(); break;
            case ReadMethod.UInt32: reader.ReadUInt32(); break;
            case ReadMethod.UInt16: reader.ReadUInt16(); break;
            case ReadMethod.Byte: reader.ReadByte(); break;
            case ReadMethod.Bool: reader.ReadBool(); break;
            case ReadMethod.UInt256: reader.ReadUInt256(); break;
            case ReadMethod.List: reader.ReadList(); break;
            case ReadMethod.Skip: reader.Skip(); break;
            case ReadMethod.EncodedItem: reader.ReadEncodedItem(); break;
            default: throw new ArgumentOutOfRangeException(nameof(method));
        }
    }

    private static RlpException AssertFails(ReadMethod method, string hex, RlpError error, int offset)
    {
        byte[] input = TestVectors.Hex(hex);
        RlpException exception = method == ReadMethod.Validate
            ? Assert.Throws<RlpException>(() => RlpCodec.Validate(input))
            : Assert.Throws<RlpException>(() => Read(method, input));
        Assert.Equal(error, exception.Error);
        Assert.Equal(offset, exception.Offset);
        Assert.Contains($"offset {offset}", exception.Message, StringComparison.Ordinal);
        return exception;
    }
}
