using System.Numerics;
using System.Text;
using System.Text.Json;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// A tree of typed RLP values for tests. Each node knows how to predict its length and write itself
/// with the production API, how to read itself back with the typed reader methods, and how to
/// encode itself with <see cref="AppendReference"/>, a deliberately naive transcription of the
/// spec that shares no code with the production writer.
/// </summary>
internal abstract class RlpNode
{
    private static readonly BigInteger s_twoTo256 = BigInteger.One << 256;

    /// <summary>The value as the generic (untyped) decoding prints it: "0x.." for a byte string, "[a, b]" for a list.</summary>
    public abstract string Describe();

    /// <summary>The encoded length predicted with the <see cref="RlpCodec"/> helpers.</summary>
    public abstract int PredictLength();

    public abstract void Write(ref RlpWriter writer);

    /// <summary>Reads the next item with the typed method for this node and asserts it equals this node.</summary>
    public abstract void ReadAndAssert(ref RlpReader reader);

    public abstract void AppendReference(List<byte> output);

    public override string ToString() => Describe();

    public byte[] Encode()
    {
        byte[] buffer = new byte[PredictLength()];
        var writer = new RlpWriter(buffer);
        Write(ref writer);
        Assert.Equal(buffer.Length, writer.BytesWritten);
        return buffer;
    }

    public byte[] EncodeReference()
    {
        var output = new List<byte>();
        AppendReference(output);
        return output.ToArray();
    }

    /// <summary>Decodes the structure alone (byte strings and lists), as go-ethereum's decoding into <c>interface{}</c> does.</summary>
    public static RlpNode ReadGeneric(ref RlpReader reader)
    {
        if (reader.PeekKind() != RlpKind.List)
        {
            return new BytesNode(reader.ReadBytes().ToArray());
        }

        RlpReader content = reader.ReadList();
        var items = new List<RlpNode>();
        while (!content.IsAtEnd)
        {
            items.Add(ReadGeneric(ref content));
        }

        content.EnsureEnd();
        return new ListNode([.. items]);
    }

    /// <summary>Decodes exactly one item generically, rejecting trailing bytes.</summary>
    public static RlpNode DecodeGeneric(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        RlpNode node = ReadGeneric(ref reader);
        reader.EnsureEnd();
        return node;
    }

    /// <summary>
    /// Builds a node from a vector's "in" value: JSON text is a byte string (ASCII), a JSON number a
    /// non-negative integer, "#digits" a decimal big integer, an array a list.
    /// </summary>
    public static RlpNode FromJson(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                return new ListNode([.. value.EnumerateArray().Select(FromJson)]);
            case JsonValueKind.Number:
                return new UIntNode(value.GetUInt64(), sizeof(ulong));
            case JsonValueKind.String:
                string text = value.GetString()!;
                if (!text.StartsWith('#'))
                {
                    return new TextNode(text);
                }

                BigInteger big = BigInteger.Parse(text.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture);
                if (big <= ulong.MaxValue)
                {
                    return new UIntNode((ulong)big, sizeof(ulong));
                }

                if (big < s_twoTo256)
                {
                    return new UInt256Node(UInt256.ReadBigEndian(ToMinimalBigEndian(big)));
                }

                // Wider than any integer type the reader offers: only its bytes can be written.
                return new BytesNode(ToMinimalBigEndian(big));
            default:
                throw new InvalidOperationException($"Unexpected JSON value {value}.");
        }
    }

    public static BigInteger ToBigInteger(UInt256 value) =>
        (new BigInteger(value.Upper) << 192) | (new BigInteger(value.UpperMiddle) << 128)
        | (new BigInteger(value.LowerMiddle) << 64) | new BigInteger(value.Lower);

    public static byte[] ToMinimalBigEndian(BigInteger value) =>
        value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);

    private static string Hex(ReadOnlySpan<byte> bytes) => "0x" + TestVectors.ToHex(bytes);

    private static void AppendReferenceString(List<byte> output, byte[] bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            output.Add(bytes[0]);
            return;
        }

        AppendReferenceHeader(output, 0x80, bytes.Length);
        output.AddRange(bytes);
    }

    private static void AppendReferenceHeader(List<byte> output, int shortBase, int length)
    {
        if (length < 56)
        {
            output.Add((byte)(shortBase + length));
            return;
        }

        byte[] size = ToMinimalBigEndian(length);
        output.Add((byte)(shortBase + 55 + size.Length));
        output.AddRange(size);
    }

    internal sealed class BytesNode(byte[] value) : RlpNode
    {
        public byte[] Value { get; } = value;

        public override string Describe() => Hex(Value);

        public override int PredictLength() => RlpCodec.GetByteStringLength(Value);

        public override void Write(ref RlpWriter writer) => writer.WriteBytes(Value);

        public override void ReadAndAssert(ref RlpReader reader) => Assert.Equal(Hex(Value), Hex(reader.ReadBytes()));

        public override void AppendReference(List<byte> output) => AppendReferenceString(output, Value);
    }

    internal sealed class TextNode(string value) : RlpNode
    {
        public string Value { get; } = value;

        public override string Describe() => Hex(Encoding.UTF8.GetBytes(Value));

        public override int PredictLength() => RlpCodec.GetStringLength(Value);

        public override void Write(ref RlpWriter writer) => writer.WriteString(Value);

        public override void ReadAndAssert(ref RlpReader reader) => Assert.Equal(Value, reader.ReadString());

        public override void AppendReference(List<byte> output) => AppendReferenceString(output, Encoding.UTF8.GetBytes(Value));
    }

    /// <summary>An unsigned integer read back with the reader method of <paramref name="width"/> bytes (1, 2, 4 or 8).</summary>
    internal sealed class UIntNode(ulong value, int width) : RlpNode
    {
        public ulong Value { get; } = value;

        public int Width { get; } = width;

        public override string Describe() => Hex(ToMinimalBigEndian(Value));

        public override int PredictLength() => RlpCodec.GetIntegerLength(Value);

        public override void Write(ref RlpWriter writer) => writer.WriteUInt64(Value);

        public override void ReadAndAssert(ref RlpReader reader)
        {
            ulong actual = Width switch
            {
                1 => reader.ReadByte(),
                2 => reader.ReadUInt16(),
                4 => reader.ReadUInt32(),
                _ => reader.ReadUInt64(),
            };
            Assert.Equal(Value, actual);
        }

        public override void AppendReference(List<byte> output) => AppendReferenceString(output, ToMinimalBigEndian(Value));
    }

    internal sealed class UInt256Node(UInt256 value) : RlpNode
    {
        public UInt256 Value { get; } = value;

        public override string Describe() => Hex(ToMinimalBigEndian(ToBigInteger(Value)));

        public override int PredictLength() => RlpCodec.GetIntegerLength(Value);

        public override void Write(ref RlpWriter writer) => writer.WriteUInt256(Value);

        public override void ReadAndAssert(ref RlpReader reader) => Assert.Equal(Value, reader.ReadUInt256());

        public override void AppendReference(List<byte> output) =>
            AppendReferenceString(output, ToMinimalBigEndian(ToBigInteger(Value)));
    }

    internal sealed class BoolNode(bool value) : RlpNode
    {
        public bool Value { get; } = value;

        public override string Describe() => Value ? "0x01" : "0x";

        public override int PredictLength() => RlpCodec.BoolLength;

        public override void Write(ref RlpWriter writer) => writer.WriteBool(Value);

        public override void ReadAndAssert(ref RlpReader reader) => Assert.Equal(Value, reader.ReadBool());

        public override void AppendReference(List<byte> output) => output.Add(Value ? (byte)0x01 : (byte)0x80);
    }

    internal sealed class ListNode(RlpNode[] items) : RlpNode
    {
        public RlpNode[] Items { get; } = items;

        public override string Describe() => "[" + string.Join(", ", Items.Select(item => item.Describe())) + "]";

        public int ContentLength() => Items.Sum(item => item.PredictLength());

        public override int PredictLength() => RlpCodec.GetListLength(ContentLength());

        public override void Write(ref RlpWriter writer)
        {
            writer.WriteListHeader(ContentLength());
            foreach (RlpNode item in Items)
            {
                item.Write(ref writer);
            }
        }

        public override void ReadAndAssert(ref RlpReader reader)
        {
            RlpReader content = reader.ReadList();
            foreach (RlpNode item in Items)
            {
                item.ReadAndAssert(ref content);
            }

            Assert.True(content.IsAtEnd);
            content.EnsureEnd();
        }

        public override void AppendReference(List<byte> output)
        {
            var content = new List<byte>();
            foreach (RlpNode item in Items)
            {
                item.AppendReference(content);
            }

            AppendReferenceHeader(output, 0xC0, content.Count);
            output.AddRange(content);
        }
    }
}
