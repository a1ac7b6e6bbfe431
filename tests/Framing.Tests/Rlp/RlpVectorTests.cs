using System.Text.Json;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// The official ethereum/tests RLP vectors (tests/vectors/rlp-valid.json, rlp-invalid.json), one
/// theory row per case.
/// </summary>
public sealed class RlpVectorTests
{
    private const string ValidFile = "rlp-valid.json";
    private const string InvalidFile = "rlp-invalid.json";

    /// <summary>
    /// The rule each invalid vector breaks first, in go-ethereum's terms; derived by hand from the
    /// bytes (see the comments), so a reader that rejects a case for the wrong reason fails.
    /// </summary>
    private static readonly Dictionary<string, RlpError> s_expectedErrors = new()
    {
        // 8-byte size fields declaring ~2^60 bytes.
        ["int32Overflow"] = RlpError.ValueTooLarge,
        ["int32Overflow2"] = RlpError.ValueTooLarge,

        // Long list form for a 1-byte size.
        ["wrongSizeList"] = RlpError.NonCanonicalSize,
        ["wrongSizeList2"] = RlpError.NonCanonicalSize,

        // b9 00 21: a 2-byte size field with a leading zero (also below 56).
        ["incorrectLengthInArray"] = RlpError.NonCanonicalSize,

        // The first nested string is b9 00 21 again.
        ["randomRLP"] = RlpError.NonCanonicalSize,

        ["bytesShouldBeSingleByte00"] = RlpError.NonCanonicalSize,
        ["bytesShouldBeSingleByte01"] = RlpError.NonCanonicalSize,
        ["bytesShouldBeSingleByte7F"] = RlpError.NonCanonicalSize,
        ["leadingZerosInLongLengthArray1"] = RlpError.NonCanonicalSize,
        ["leadingZerosInLongLengthArray2"] = RlpError.NonCanonicalSize,
        ["leadingZerosInLongLengthList1"] = RlpError.NonCanonicalSize,
        ["leadingZerosInLongLengthList2"] = RlpError.NonCanonicalSize,
        ["nonOptimalLongLengthArray1"] = RlpError.NonCanonicalSize,
        ["nonOptimalLongLengthArray2"] = RlpError.NonCanonicalSize,
        ["nonOptimalLongLengthList1"] = RlpError.NonCanonicalSize,
        ["nonOptimalLongLengthList2"] = RlpError.NonCanonicalSize,
        ["emptyEncoding"] = RlpError.UnexpectedEnd,
        ["lessThanShortLengthArray1"] = RlpError.ValueTooLarge,
        ["lessThanShortLengthArray2"] = RlpError.ValueTooLarge,
        ["lessThanShortLengthList1"] = RlpError.ValueTooLarge,
        ["lessThanShortLengthList2"] = RlpError.ValueTooLarge,
        ["lessThanLongLengthArray1"] = RlpError.ValueTooLarge,
        ["lessThanLongLengthArray2"] = RlpError.ValueTooLarge,
        ["lessThanLongLengthList1"] = RlpError.ValueTooLarge,
        ["lessThanLongLengthList2"] = RlpError.ValueTooLarge,
    };

    public static TheoryData<string> ValidCases => CaseNames(ValidFile, "tests");

    public static TheoryData<string> DecodeOnlyCases => CaseNames(ValidFile, "decodeOnly", "tests");

    public static TheoryData<string> InvalidCases => CaseNames(InvalidFile, "tests");

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_EncodesToExpectedBytes(string name)
    {
        (RlpNode input, byte[] expected) = LoadValid(name);

        Assert.Equal(expected.Length, input.PredictLength());
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(input.Encode()));
        Assert.Equal(TestVectors.ToHex(expected), TestVectors.ToHex(input.EncodeReference()));
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_DecodesToInput(string name)
    {
        (RlpNode input, byte[] encoded) = LoadValid(name);

        var reader = new RlpReader(encoded);
        input.ReadAndAssert(ref reader);
        Assert.True(reader.IsAtEnd);
        reader.EnsureEnd();

        Assert.Equal(input.Describe(), RlpNode.DecodeGeneric(encoded).Describe());
        RlpCodec.Validate(encoded);
    }

    [Theory]
    [MemberData(nameof(DecodeOnlyCases))]
    public void DecodeOnly_DecodesToExpectedStructure(string name)
    {
        using JsonDocument document = TestVectors.Load(ValidFile);
        JsonElement testCase = document.RootElement.GetProperty("decodeOnly").GetProperty("tests").GetProperty(name);
        byte[] encoded = TestVectors.Hex(testCase.GetProperty("out").GetString()!);
        RlpNode expected = RlpNode.FromJson(testCase.GetProperty("expectedStructure"));

        RlpCodec.Validate(encoded);
        Assert.Equal(expected.Describe(), RlpNode.DecodeGeneric(encoded).Describe());
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_IsRejectedWithTheBrokenRule(string name)
    {
        byte[] encoded = LoadInvalid(name);

        RlpException generic = Assert.Throws<RlpException>(() => RlpNode.DecodeGeneric(encoded));
        Assert.Equal(s_expectedErrors[name], generic.Error);
        Assert.InRange(generic.Offset, 0, Math.Max(0, encoded.Length - 1));
        Assert.Contains($"offset {generic.Offset}", generic.Message, StringComparison.Ordinal);

        // The validator walks the same tree without recursion; it must fail the same way.
        RlpException validated = Assert.Throws<RlpException>(() => RlpCodec.Validate(encoded));
        Assert.Equal(generic.Error, validated.Error);
        Assert.Equal(generic.Offset, validated.Offset);
        Assert.Equal(generic.Message, validated.Message);
    }

    [Fact]
    public void Invalid_ExpectedErrorTableCoversExactlyTheVectors()
    {
        var names = new List<string>();
        foreach (string name in InvalidCases)
        {
            names.Add(name);
        }

        Assert.Equal(26, names.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal), s_expectedErrors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_EveryTruncationIsRejected(string name)
    {
        (RlpNode input, byte[] encoded) = LoadValid(name);

        for (int length = 0; length < encoded.Length; length++)
        {
            byte[] prefix = encoded[..length];
            AssertRejected(prefix, () => RlpNode.DecodeGeneric(prefix));
            AssertRejected(prefix, () => RlpCodec.Validate(prefix));
            AssertRejected(prefix, () =>
            {
                var reader = new RlpReader(prefix);
                input.ReadAndAssert(ref reader);
                reader.EnsureEnd();
            });
        }
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_TrailingByteIsRejected(string name)
    {
        (_, byte[] encoded) = LoadValid(name);
        byte[] extended = [.. encoded, 0x80];

        RlpException generic = Assert.Throws<RlpException>(() => RlpNode.DecodeGeneric(extended));
        Assert.Equal(RlpError.TrailingBytes, generic.Error);
        Assert.Equal(encoded.Length, generic.Offset);

        RlpException validated = Assert.Throws<RlpException>(() => RlpCodec.Validate(extended));
        Assert.Equal(RlpError.TrailingBytes, validated.Error);
    }

    internal static void AssertRejected(byte[] input, Action decode)
    {
        // Assert.Throws<RlpException> would also fail on another exception type, but naming the
        // input makes an IndexOutOfRange or similar escape easy to reproduce.
        try
        {
            decode();
        }
        catch (RlpException exception)
        {
            Assert.Contains("offset", exception.Message, StringComparison.Ordinal);
            return;
        }
        catch (Exception other)
        {
            Assert.Fail($"Input {TestVectors.ToHex(input)} threw {other.GetType().Name} instead of RlpException: {other}");
        }

        Assert.Fail($"Input {TestVectors.ToHex(input)} was accepted.");
    }

    private static (RlpNode Input, byte[] Encoded) LoadValid(string name)
    {
        using JsonDocument document = TestVectors.Load(ValidFile);
        JsonElement testCase = document.RootElement.GetProperty("tests").GetProperty(name);
        return (RlpNode.FromJson(testCase.GetProperty("in")), TestVectors.Hex(testCase.GetProperty("out").GetString()!));
    }

    private static byte[] LoadInvalid(string name)
    {
        using JsonDocument document = TestVectors.Load(InvalidFile);
        return TestVectors.Hex(document.RootElement.GetProperty("tests").GetProperty(name).GetProperty("out").GetString()!);
    }

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
