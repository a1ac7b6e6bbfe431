using System.Text;
using System.Text.Json;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// <see cref="RlpDumper"/> against go-ethereum's <c>cmd/rlpdump</c> format: hand-written outputs
/// traced through rlpdump's <c>dump</c> function, the official vectors (expected text built from
/// the decoded "in" side, not from the bytes), and random inputs compared with a recursive
/// transcription of <c>dump</c> over trees decoded by <see cref="RlpReader"/>.
/// </summary>
public sealed class RlpDumperTests
{
    private const string ValidFile = "rlp-valid.json";
    private const string InvalidFile = "rlp-invalid.json";

    public static TheoryData<string> ValidCases => CaseNames(ValidFile, "tests");

    public static TheoryData<string> DecodeOnlyCases => CaseNames(ValidFile, "decodeOnly", "tests");

    public static TheoryData<string> InvalidCases => CaseNames(InvalidFile, "tests");

    /// <summary>
    /// Outputs worked out by hand from rlpdump's rules: quoted when empty or all of 0x20..0x7E with
    /// only <c>"</c> and <c>\</c> escaped, else lowercase hex; every list element followed by a
    /// comma, the last one too; two spaces per level; a newline after each top-level item.
    /// </summary>
    public static TheoryData<string, string> HandWritten => new()
    {
        { "c88363617483646f67", "[\n  \"cat\",\n  \"dog\",\n]\n" },

        // The text of go-ethereum's rlpdump_test.go TestTextToRlp, normalised to dump layout.
        { "c780c0c1c0825208", "[\n  \"\",\n  [],\n  [\n    [],\n  ],\n  5208,\n]\n" },
        {
            "d5c0d3cb84746573742a2a808213378667617a6f6e6b",
            "[\n  [],\n  [\n    [\n      \"test\",\n      \"*\",\n      \"*\",\n      \"\",\n      1337,\n    ],\n    \"gazonk\",\n  ],\n]\n"
        },
        { "80", "\"\"\n" },
        { "c0", "[]\n" },
        { "00", "00\n" },
        { "05", "05\n" },
        { "1f", "1f\n" },
        { "20", "\" \"\n" },
        { "7e", "\"~\"\n" },
        { "7f", "7f\n" },
        { "8180", "80\n" },
        { "820400", "0400\n" },

        // One unprintable byte turns the whole string to hex.
        { "83610062", "610062\n" },
        { "836162e9", "6162e9\n" },

        // "a"b\ : the quote and the backslash are escaped, nothing else.
        { "8522612262 5c", "\"\\\"a\\\"b\\\\\"\n" },
        { "8427275c6e", "\"''\\\\n\"\n" },

        // Several top-level items, each on its own.
        { "80 c0 01 c180", "\"\"\n[]\n01\n[\n  \"\",\n]\n" },
        { "c2c0c0", "[\n  [],\n  [],\n]\n" },
        { "c3c2c180", "[\n  [\n    [\n      \"\",\n    ],\n  ],\n]\n" },
    };

    /// <summary>Invalid inputs with the rule and the offset of the offending item, found by hand.</summary>
    public static TheoryData<string, RlpError, int> HandWrittenInvalid => new()
    {
        { "", RlpError.UnexpectedEnd, 0 },
        { "c38081 00", RlpError.NonCanonicalSize, 2 },
        { "c28361", RlpError.ElementTooLarge, 1 },
        { "c0c1", RlpError.ValueTooLarge, 1 },
        { "80b800", RlpError.NonCanonicalSize, 1 },
        { "c4c2c0c0c08100", RlpError.NonCanonicalSize, 5 },
        { "c180 f8", RlpError.UnexpectedEnd, 2 },
    };

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void Dump_MatchesRlpdumpFormat(string hex, string expected)
    {
        byte[] encoded = Hex(hex);

        Assert.Equal(expected, RlpDumper.Dump(encoded));

        // The reference transcription agrees, so the random tests below check the same format.
        Assert.Equal(expected, Reference(DecodeAll(encoded)));
    }

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void Dump_ToWriter_WritesTheSameText(string hex, string expected)
    {
        using var writer = new StringWriter();
        RlpDumper.Dump(Hex(hex), writer);
        Assert.Equal(expected, writer.ToString());
    }

    [Theory]
    [MemberData(nameof(HandWrittenInvalid))]
    public void Dump_RejectsInvalidInputWithOffset(string hex, RlpError error, int offset)
    {
        byte[] encoded = Hex(hex);

        RlpException exception = Assert.Throws<RlpException>(() => RlpDumper.Dump(encoded));
        Assert.Equal(error, exception.Error);
        Assert.Equal(offset, exception.Offset);
        Assert.Contains($"offset {offset}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HandWrittenInvalid))]
    public void Dump_ToWriter_WritesNothingForInvalidInput(string hex, RlpError error, int offset)
    {
        using var writer = new StringWriter();

        RlpException exception = Assert.Throws<RlpException>(() => RlpDumper.Dump(Hex(hex), writer));
        Assert.Equal(error, exception.Error);
        Assert.Equal(offset, exception.Offset);
        Assert.Equal(string.Empty, writer.ToString());
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Vector_Valid_DumpsTheDecodedStructure(string name)
    {
        using JsonDocument document = TestVectors.Load(ValidFile);
        JsonElement testCase = document.RootElement.GetProperty("tests").GetProperty(name);
        RlpNode input = RlpNode.FromJson(testCase.GetProperty("in"));
        byte[] encoded = TestVectors.Hex(testCase.GetProperty("out").GetString()!);

        Assert.Equal(Reference([input]), RlpDumper.Dump(encoded));
    }

    [Theory]
    [MemberData(nameof(DecodeOnlyCases))]
    public void Vector_DecodeOnly_DumpsTheExpectedStructure(string name)
    {
        using JsonDocument document = TestVectors.Load(ValidFile);
        JsonElement testCase = document.RootElement.GetProperty("decodeOnly").GetProperty("tests").GetProperty(name);
        RlpNode expected = RlpNode.FromJson(testCase.GetProperty("expectedStructure"));
        byte[] encoded = TestVectors.Hex(testCase.GetProperty("out").GetString()!);

        Assert.Equal(Reference([expected]), RlpDumper.Dump(encoded));
    }

    [Fact]
    public void Vector_Valid_AllConcatenatedDumpAsSeparateItems()
    {
        using JsonDocument document = TestVectors.Load(ValidFile);
        var nodes = new List<RlpNode>();
        var all = new List<byte>();
        foreach (JsonProperty testCase in document.RootElement.GetProperty("tests").EnumerateObject())
        {
            nodes.Add(RlpNode.FromJson(testCase.Value.GetProperty("in")));
            all.AddRange(TestVectors.Hex(testCase.Value.GetProperty("out").GetString()!));
        }

        Assert.Equal(Reference(nodes), RlpDumper.Dump(all.ToArray()));
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Vector_Invalid_IsRejectedWithOffset(string name)
    {
        using JsonDocument document = TestVectors.Load(InvalidFile);
        byte[] encoded = TestVectors.Hex(
            document.RootElement.GetProperty("tests").GetProperty(name).GetProperty("out").GetString()!);

        RlpException dumped = Assert.Throws<RlpException>(() => RlpDumper.Dump(encoded));
        Assert.InRange(dumped.Offset, 0, Math.Max(0, encoded.Length - 1));
        Assert.Contains($"offset {dumped.Offset}", dumped.Message, StringComparison.Ordinal);

        // Every vector is one malformed item, so the dump fails where whole-value validation does.
        RlpException validated = Assert.Throws<RlpException>(() => RlpCodec.Validate(encoded));
        Assert.Equal(validated.Error, dumped.Error);
        Assert.Equal(validated.Offset, dumped.Offset);

        using var writer = new StringWriter();
        Assert.Throws<RlpException>(() => RlpDumper.Dump(encoded, writer));
        Assert.Equal(string.Empty, writer.ToString());
    }

    [Fact]
    public void RandomTrees_MatchTheReferenceFormat()
    {
        var random = new Random(20240611);
        for (int i = 0; i < 500; i++)
        {
            var nodes = new List<RlpNode>();
            var encoded = new List<byte>();
            int count = random.Next(1, 4);
            for (int j = 0; j < count; j++)
            {
                RlpNode node = RandomTree(random, depth: 0);
                nodes.Add(node);
                encoded.AddRange(node.Encode());
            }

            Assert.Equal(Reference(nodes), RlpDumper.Dump(encoded.ToArray()));
        }
    }

    [Fact]
    public void RandomBytes_FailLikeTheReaderOrMatchTheReferenceFormat()
    {
        var random = new Random(7);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            // Short inputs of header-heavy bytes, so both outcomes are common.
            byte[] input = new byte[random.Next(1, 12)];
            for (int j = 0; j < input.Length; j++)
            {
                input[j] = random.Next(4) switch
                {
                    0 => (byte)random.Next(0x00, 0x80),
                    1 => (byte)random.Next(0x80, 0x8C),
                    2 => (byte)random.Next(0xC0, 0xCC),
                    _ => (byte)(random.Next(2) == 0 ? random.Next(0xB8, 0xBA) : random.Next(0xF8, 0xFA)),
                };
            }

            List<RlpNode>? nodes = null;
            RlpException? expected = null;
            try
            {
                nodes = DecodeAll(input);
            }
            catch (RlpException e)
            {
                expected = e;
            }

            if (expected is null)
            {
                accepted++;
                Assert.Equal(Reference(nodes!), RlpDumper.Dump(input));
            }
            else
            {
                RlpException actual = Assert.Throws<RlpException>(() => RlpDumper.Dump(input));
                Assert.Equal(expected.Error, actual.Error);
                Assert.Equal(expected.Offset, actual.Offset);
            }
        }

        // Both branches must have run for the comparison to mean anything.
        Assert.InRange(accepted, 1000, 19_000);
    }

    [Fact]
    public void DeepNesting_IsIndentedTwoSpacesPerLevel()
    {
        const int depth = 300;
        byte[] encoded = Nest(depth, [0x80]);

        string dump = RlpDumper.Dump(encoded);

        var expected = new StringBuilder();
        for (int level = 0; level < depth; level++)
        {
            expected.Append(' ', 2 * level).Append("[\n");
        }

        expected.Append(' ', 2 * depth).Append("\"\",\n");
        for (int level = depth - 1; level >= 0; level--)
        {
            expected.Append(' ', 2 * level).Append(level > 0 ? "],\n" : "]\n");
        }

        Assert.Equal(expected.ToString(), dump);
    }

    [Fact]
    public void HostileNesting_FailsCleanlyWithoutRecursion()
    {
        // A million nested lists around a non-canonical string: a recursive walk would overflow the
        // stack (which kills the process); the dumper must report the bad item's offset instead.
        const int depth = 1_000_000;
        byte[] encoded = Nest(depth, [0x81, 0x00]);

        RlpException exception = Assert.Throws<RlpException>(() => RlpDumper.Dump(encoded));
        Assert.Equal(RlpError.NonCanonicalSize, exception.Error);
        Assert.Equal(encoded.Length - 2, exception.Offset);
    }

    [Fact]
    public void Dump_ToWriter_RejectsNullWriter()
    {
        Assert.Throws<ArgumentNullException>(() => RlpDumper.Dump([0x80], null!));
    }

    /// <summary>
    /// go-ethereum's <c>dump</c>, transcribed recursively over a decoded tree: the format written
    /// down a second time, independent of the dumper's iterative walk over bytes.
    /// </summary>
    private static string Reference(IEnumerable<RlpNode> nodes)
    {
        var output = new StringBuilder();
        foreach (RlpNode node in nodes)
        {
            AppendReference(output, node, 0);
            output.Append('\n');
        }

        return output.ToString();
    }

    private static void AppendReference(StringBuilder output, RlpNode node, int depth)
    {
        string ws = new(' ', 2 * depth);
        if (node is RlpNode.ListNode list)
        {
            if (list.Items.Length == 0)
            {
                output.Append(ws).Append("[]");
                return;
            }

            output.Append(ws).Append("[\n");
            foreach (RlpNode item in list.Items)
            {
                AppendReference(output, item, depth + 1);
                output.Append(",\n");
            }

            output.Append(ws).Append(']');
            return;
        }

        byte[] bytes = BytesOf(node);
        output.Append(ws);
        if (bytes.All(b => b is >= 32 and <= 126))
        {
            output.Append('"');
            foreach (byte b in bytes)
            {
                output.Append(b is (byte)'"' or (byte)'\\' ? "\\" + (char)b : ((char)b).ToString());
            }

            output.Append('"');
        }
        else
        {
            output.Append(TestVectors.ToHex(bytes));
        }
    }

    private static byte[] BytesOf(RlpNode node) => node switch
    {
        RlpNode.BytesNode n => n.Value,
        RlpNode.TextNode n => Encoding.UTF8.GetBytes(n.Value),
        RlpNode.UIntNode n => RlpNode.ToMinimalBigEndian(n.Value),
        RlpNode.UInt256Node n => RlpNode.ToMinimalBigEndian(RlpNode.ToBigInteger(n.Value)),
        RlpNode.BoolNode n => n.Value ? [1] : [],
        _ => throw new InvalidOperationException($"Unexpected node {node.GetType().Name}."),
    };

    /// <summary>Every top-level item, decoded generically by the production reader.</summary>
    private static List<RlpNode> DecodeAll(byte[] encoded)
    {
        var reader = new RlpReader(encoded);
        var nodes = new List<RlpNode>();
        if (reader.IsAtEnd)
        {
            // The dumper rejects empty input; reading one item reproduces the same error.
            nodes.Add(RlpNode.ReadGeneric(ref reader));
        }

        while (!reader.IsAtEnd)
        {
            nodes.Add(RlpNode.ReadGeneric(ref reader));
        }

        return nodes;
    }

    private static RlpNode RandomTree(Random random, int depth)
    {
        if (depth < 4 && random.Next(3) == 0)
        {
            var items = new RlpNode[random.Next(0, 5)];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = RandomTree(random, depth + 1);
            }

            return new RlpNode.ListNode(items);
        }

        // Printable strings (with quotes and backslashes), binary, and lengths across the long form.
        int length = random.Next(3) == 0 ? random.Next(50, 70) : random.Next(0, 6);
        byte[] bytes = new byte[length];
        if (random.Next(2) == 0)
        {
            const string alphabet = "ab \"\\~{}0";
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)alphabet[random.Next(alphabet.Length)];
            }
        }
        else
        {
            random.NextBytes(bytes);
        }

        return new RlpNode.BytesNode(bytes);
    }

    /// <summary>Wraps <paramref name="innermost"/> in <paramref name="depth"/> lists, headers computed inside out.</summary>
    private static byte[] Nest(int depth, byte[] innermost)
    {
        int[] headerLengths = new int[depth];
        int[] payloadLengths = new int[depth];
        int length = innermost.Length;
        for (int level = depth - 1; level >= 0; level--)
        {
            payloadLengths[level] = length;
            headerLengths[level] = length < 56 ? 1 : 1 + SizeBytes(length);
            length += headerLengths[level];
        }

        byte[] result = new byte[length];
        int position = 0;
        for (int level = 0; level < depth; level++)
        {
            int payload = payloadLengths[level];
            if (payload < 56)
            {
                result[position++] = (byte)(0xC0 + payload);
                continue;
            }

            int sizeBytes = SizeBytes(payload);
            result[position++] = (byte)(0xF7 + sizeBytes);
            for (int i = sizeBytes - 1; i >= 0; i--)
            {
                result[position++] = (byte)(payload >> (8 * i));
            }
        }

        innermost.CopyTo(result, position);
        return result;
    }

    private static int SizeBytes(int value) => value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;

    private static byte[] Hex(string spaced) => TestVectors.Hex(spaced.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static TheoryData<string> CaseNames(string file, params string[] path)
    {
        using JsonDocument document = TestVectors.Load(file);
        JsonElement element = document.RootElement;
        foreach (string segment in path)
        {
            element = element.GetProperty(segment);
        }

        var data = new TheoryData<string>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            data.Add(property.Name);
        }

        return data;
    }
}
