using System.Buffers;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>The whole-value helpers: struct messages through the static-abstract interfaces, and the validator.</summary>
public sealed class RlpCodecTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SampleHeader_RoundTripsThroughEveryEncodePath(int seed)
    {
        SampleBlockHeader header = SampleBlockHeader.Create(seed);
        int length = header.GetRlpLength();
        Assert.InRange(length, 480, 560);

        byte[] exact = new byte[length];
        Assert.Equal(length, RlpCodec.Encode(header, exact));

        byte[] larger = new byte[length + 10];
        Assert.Equal(length, RlpCodec.Encode(header, larger));
        Assert.True(larger.AsSpan(0, length).SequenceEqual(exact));

        Assert.True(RlpCodec.TryEncode(header, larger, out int written));
        Assert.Equal(length, written);

        var bufferWriter = new ArrayBufferWriter<byte>();
        bufferWriter.Write<byte>([0xAA]);
        Assert.Equal(length, RlpCodec.Encode(header, bufferWriter));
        Assert.True(bufferWriter.WrittenSpan[1..].SequenceEqual(exact));

        Assert.Equal(TestVectors.ToHex(exact), TestVectors.ToHex(RlpCodec.EncodeToArray(header)));

        RlpCodec.Validate(exact);
        SampleBlockHeader decoded = RlpCodec.Decode<SampleBlockHeader>(exact);
        Assert.True(decoded.Equals(header));
    }

    [Fact]
    public void SampleHeader_HasFifteenFieldsOnTheWire()
    {
        byte[] encoded = RlpCodec.EncodeToArray(SampleBlockHeader.Create(4));
        var reader = new RlpReader(encoded);
        RlpReader fields = reader.ReadList();
        int count = 0;
        while (!fields.IsAtEnd)
        {
            fields.Skip();
            count++;
        }

        Assert.Equal(15, count);
    }

    [Fact]
    public void Encode_RejectsASmallDestination()
    {
        SampleBlockHeader header = SampleBlockHeader.Create(5);
        byte[] small = new byte[header.GetRlpLength() - 1];

        ArgumentException exception = Assert.Throws<ArgumentException>(() => RlpCodec.Encode(header, small));
        Assert.Equal("destination", exception.ParamName);
        Assert.False(RlpCodec.TryEncode(header, small, out int written));
        Assert.Equal(0, written);
        Assert.All(small, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Encode_DetectsALengthThatDisagreesWithTheEncoding()
    {
        var overstated = new MisreportedLength(extra: 1);
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => RlpCodec.EncodeToArray(overstated));
        Assert.Contains("GetRlpLength() returned 3 but Encode wrote 2", exception.Message, StringComparison.Ordinal);

        // An understated length runs the writer out of room instead.
        var understated = new MisreportedLength(extra: -1);
        Assert.Throws<InvalidOperationException>(() => RlpCodec.Encode(understated, new byte[10]));
    }

    [Fact]
    public void Decode_RejectsTrailingBytes()
    {
        byte[] encoded = [.. RlpCodec.EncodeToArray(SampleBlockHeader.Create(6)), 0x80];

        RlpException exception = Assert.Throws<RlpException>(() => RlpCodec.Decode<SampleBlockHeader>(encoded));

        Assert.Equal(RlpError.TrailingBytes, exception.Error);
        Assert.Equal(encoded.Length - 1, exception.Offset);
    }

    [Fact]
    public void Decode_RejectsAnExtraField()
    {
        byte[] encoded = RlpCodec.EncodeToArray(SampleBlockHeader.Create(8));

        // Rebuild the list with one more field, the integer 0, at the end.
        var fields = new RlpReader(encoded).ReadList();
        int contentLength = fields.Remaining + 1;
        byte[] extended = new byte[RlpCodec.GetListLength(contentLength)];
        var writer = new RlpWriter(extended);
        writer.WriteListHeader(contentLength);
        writer.WriteEncoded(encoded.AsSpan(encoded.Length - fields.Remaining));
        writer.WriteUInt64(0);

        RlpException exception = Assert.Throws<RlpException>(() => RlpCodec.Decode<SampleBlockHeader>(extended));

        Assert.Equal(RlpError.TrailingBytes, exception.Error);
        Assert.Equal(extended.Length - 1, exception.Offset);
        Assert.Contains("list has 1 unread byte(s)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ReportsADecoderSpecificError()
    {
        byte[] encoded = RlpCodec.EncodeToArray(SampleBlockHeader.Create(9));

        // Well-formed RLP, but the extra data is one byte over the header's limit.
        byte[] tooLong = RebuildWithExtra(encoded, new byte[SampleBlockHeader.MaxExtraDataLength + 1]);

        RlpException exception = Assert.Throws<RlpException>(() => RlpCodec.Decode<SampleBlockHeader>(tooLong));
        Assert.Equal(RlpError.UnexpectedLength, exception.Error);
        Assert.Contains("33 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsEveryTruncation()
    {
        byte[] encoded = RlpCodec.EncodeToArray(SampleBlockHeader.Create(10));

        for (int length = 0; length < encoded.Length; length++)
        {
            byte[] prefix = encoded[..length];
            RlpVectorTests.AssertRejected(prefix, () => RlpCodec.Decode<SampleBlockHeader>(prefix));
        }
    }

    [Fact]
    public void Validate_HandlesNestingFarDeeperThanTheStackAllows()
    {
        const int Depth = 200_000;
        byte[] encoded = NestedLists(Depth);

        RlpCodec.Validate(encoded);

        // Truncating or extending it is still caught at the right place.
        RlpException truncated = Assert.Throws<RlpException>(() => RlpCodec.Validate(encoded.AsSpan(0, encoded.Length - 1)));
        Assert.Equal(RlpError.ValueTooLarge, truncated.Error);
        Assert.Equal(0, truncated.Offset);

        byte[] corrupted = (byte[])encoded.Clone();
        corrupted[^1] = 0xC1; // the innermost empty list now claims a byte that is not there
        RlpException inner = Assert.Throws<RlpException>(() => RlpCodec.Validate(corrupted));
        Assert.Equal(RlpError.ElementTooLarge, inner.Error);
        Assert.Equal(encoded.Length - 1, inner.Offset);
    }

    [Fact]
    public void Validate_AcceptsSiblingListsClosingTogether()
    {
        // [[[]], [], [[[]]]] - several lists end on the same byte.
        byte[] encoded = TestVectors.Hex("c6c1c0c0c2c1c0");
        var expected = "[[[]], [], [[[]]]]";

        RlpCodec.Validate(encoded);
        Assert.Equal(expected, RlpNode.DecodeGeneric(encoded).Describe());
    }

    /// <summary>Builds <paramref name="depth"/> nested empty lists with the writer, outermost header first.</summary>
    internal static byte[] NestedLists(int depth)
    {
        int[] contentLengths = new int[depth];
        int length = 1; // the innermost c0
        for (int level = 1; level < depth; level++)
        {
            contentLengths[level] = length;
            length = RlpCodec.GetListLength(length);
        }

        byte[] encoded = new byte[length];
        var writer = new RlpWriter(encoded);
        for (int level = depth - 1; level >= 1; level--)
        {
            writer.WriteListHeader(contentLengths[level]);
        }

        writer.WriteListHeader(0);
        Assert.Equal(encoded.Length, writer.BytesWritten);
        return encoded;
    }

    private static byte[] RebuildWithExtra(byte[] encoded, byte[] extra)
    {
        var reader = new RlpReader(encoded);
        RlpReader fields = reader.ReadList();
        var items = new List<byte[]>();
        while (!fields.IsAtEnd)
        {
            items.Add(fields.ReadEncodedItem().ToArray());
        }

        // Field 13 (index 12) is the extra data.
        byte[] extraItem = new byte[RlpCodec.GetByteStringLength(extra)];
        var extraWriter = new RlpWriter(extraItem);
        extraWriter.WriteBytes(extra);
        items[12] = extraItem;

        int contentLength = items.Sum(item => item.Length);
        byte[] result = new byte[RlpCodec.GetListLength(contentLength)];
        var writer = new RlpWriter(result);
        writer.WriteListHeader(contentLength);
        foreach (byte[] item in items)
        {
            writer.WriteEncoded(item);
        }

        return result;
    }

    /// <summary>An encodable whose length is off by <c>extra</c>, to prove the helpers notice.</summary>
    private readonly struct MisreportedLength(int extra) : IRlpEncodable
    {
        public int GetRlpLength() => 2 + extra;

        public void Encode(ref RlpWriter writer) => writer.WriteUInt64(0x80);
    }
}
