using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// FsCheck properties over random nested structures (lists of lists, byte strings, text, integers
/// of every width, booleans) and over corrupted encodings of them.
/// </summary>
public sealed class RlpPropertyTests
{
    /// <summary>Above this many bytes only a spread of prefixes is tried, keeping each case linear-ish.</summary>
    private const int MaxPrefixesPerCase = 256;

    private static readonly Gen<byte> s_anyByte = Gen.Choose(0, 255).Select(i => (byte)i);

    /// <summary>Lengths biased to the header boundaries: 0, 1, 55/56 (short/long form), 255/256 (1/2-byte size).</summary>
    private static readonly Gen<int> s_byteStringLength = Gen.Frequency(
        (6, Gen.Choose(0, 60)),
        (2, Gen.Elements(0, 1, 54, 55, 56, 57, 255, 256)),
        (1, Gen.Choose(57, 1100)));

    private static readonly Gen<RlpNode> s_bytes =
        from length in s_byteStringLength
        from bytes in Gen.ArrayOf(s_anyByte, length)
        select (RlpNode)new RlpNode.BytesNode(bytes);

    private static readonly Gen<RlpNode> s_text =
        from parts in Gen.ArrayOf(Gen.Elements("a", "Z", "\0", "\u007f", "é", "€", "\U0001F600"))
        select (RlpNode)new RlpNode.TextNode(string.Concat(parts));

    /// <summary>Integers of every byte length up to the reader width, plus the edges 0, 0x7f, 0x80 and the maximum.</summary>
    private static readonly Gen<RlpNode> s_unsigned =
        from width in Gen.Elements(1, 2, 4, 8)
        from bits in Gen.Choose(0, width * 8)
        from raw in UInt64s()
        from edge in Gen.Elements(0UL, 0x7FUL, 0x80UL, ulong.MaxValue, 0UL, 0UL)
        from useEdge in Gen.Elements(false, false, false, true)
        let mask = width == 8 ? ulong.MaxValue : (1UL << (width * 8)) - 1
        let value = (useEdge ? edge : Truncate(raw, bits)) & mask
        select (RlpNode)new RlpNode.UIntNode(value, width);

    private static readonly Gen<RlpNode> s_uint256 =
        from limbs in Gen.ArrayOf(UInt64s(), 4)
        from zeroed in Gen.Choose(0, 4)
        select (RlpNode)new RlpNode.UInt256Node(new UInt256(
            zeroed > 0 ? 0 : limbs[0], zeroed > 1 ? 0 : limbs[1], zeroed > 2 ? 0 : limbs[2], zeroed > 3 ? 0 : limbs[3]));

    private static readonly Gen<RlpNode> s_leaf = Gen.Frequency(
        (4, s_bytes),
        (1, s_text),
        (3, s_unsigned),
        (1, s_uint256),
        (1, Gen.Elements(true, false).Select(b => (RlpNode)new RlpNode.BoolNode(b))));

    private static readonly Gen<RlpNode> s_tree = Gen.Sized(Tree);

    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void RandomTrees_RoundTripWithExactPredictedLengths()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(s_tree), (RlpNode node) =>
        {
            int predicted = node.PredictLength();
            byte[] encoded = new byte[predicted];
            var writer = new RlpWriter(encoded);
            node.Write(ref writer);
            Assert.Equal(predicted, writer.BytesWritten);

            // An encoder written straight from the spec agrees byte for byte.
            Assert.Equal(TestVectors.ToHex(node.EncodeReference()), TestVectors.ToHex(encoded));

            var reader = new RlpReader(encoded);
            node.ReadAndAssert(ref reader);
            reader.EnsureEnd();

            Assert.Equal(node.Describe(), RlpNode.DecodeGeneric(encoded).Describe());
            RlpCodec.Validate(encoded);
        }));
    }

    [Fact]
    public void RandomTrees_EveryTruncationIsRejected()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(s_tree), (RlpNode node) =>
        {
            byte[] encoded = node.Encode();
            int step = Math.Max(1, encoded.Length / MaxPrefixesPerCase);
            for (int length = 0; length < encoded.Length; length += length < 64 ? 1 : step)
            {
                byte[] prefix = encoded[..length];
                RlpVectorTests.AssertRejected(prefix, () => RlpNode.DecodeGeneric(prefix));
                RlpVectorTests.AssertRejected(prefix, () => RlpCodec.Validate(prefix));
                RlpVectorTests.AssertRejected(prefix, () =>
                {
                    var reader = new RlpReader(prefix);
                    node.ReadAndAssert(ref reader);
                    reader.EnsureEnd();
                });
            }
        }));
    }

    [Fact]
    public void CorruptedEncodings_FailCleanlyOrDecodeCanonically()
    {
        Gen<(RlpNode Node, byte[] Input)> corrupted =
            from node in s_tree
            from kind in Gen.Choose(0, 2)
            from position in Gen.Choose(0, int.MaxValue)
            from value in s_anyByte
            select (node, Corrupt(node.Encode(), kind, position, value));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(corrupted), ((RlpNode Node, byte[] Input) test) =>
        {
            AssertFailsCleanlyOrRoundTrips(test.Input);

            // Typed reads of the original shape: success or RlpException, never another exception.
            try
            {
                var reader = new RlpReader(test.Input);
                test.Node.ReadAndAssert(ref reader);
                reader.EnsureEnd();
            }
            catch (RlpException)
            {
            }
            catch (Xunit.Sdk.XunitException)
            {
                // A corrupted value that still parses can simply differ from the original.
            }
        }));
    }

    [Fact]
    public void RandomBytes_FailCleanlyOrDecodeCanonically()
    {
        Gen<byte[]> input =
            from length in Gen.Choose(0, 40)
            from bytes in Gen.ArrayOf(s_anyByte, length)
            select bytes;

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(Arb.From(input), (byte[] bytes) =>
        {
            AssertFailsCleanlyOrRoundTrips(bytes);
            try
            {
                RlpCodec.Decode<SampleBlockHeader>(bytes);
                Assert.Fail("Random bytes decoded as a header.");
            }
            catch (RlpException)
            {
            }
        }));
    }

    /// <summary>
    /// Any input either fails with an <see cref="RlpException"/> (the same one from the generic
    /// decoder and the validator) or decodes; and because decoding is strict, whatever decodes
    /// re-encodes to exactly the input.
    /// </summary>
    private static void AssertFailsCleanlyOrRoundTrips(byte[] input)
    {
        RlpNode? decoded = null;
        RlpException? decodeError = null;
        try
        {
            decoded = RlpNode.DecodeGeneric(input);
        }
        catch (RlpException exception)
        {
            decodeError = exception;
        }

        RlpException? validateError = null;
        try
        {
            RlpCodec.Validate(input);
        }
        catch (RlpException exception)
        {
            validateError = exception;
        }

        Assert.Equal(decodeError?.Error, validateError?.Error);
        Assert.Equal(decodeError?.Offset, validateError?.Offset);
        if (decoded is not null)
        {
            Assert.Equal(TestVectors.ToHex(input), TestVectors.ToHex(decoded.Encode()));
        }
        else
        {
            Assert.InRange(decodeError!.Offset, 0, input.Length);
            Assert.Contains($"offset {decodeError.Offset}", decodeError.Message, StringComparison.Ordinal);
        }
    }

    private static byte[] Corrupt(byte[] encoded, int kind, int position, byte value)
    {
        var bytes = new List<byte>(encoded);
        int at = position % (bytes.Count + 1);
        switch (kind)
        {
            case 0 when at < bytes.Count:
                bytes[at] = value;
                break;
            case 1:
                bytes.Insert(at, value);
                break;
            default:
                if (bytes.Count > 0)
                {
                    bytes.RemoveAt(at % bytes.Count);
                }

                break;
        }

        return [.. bytes];
    }

    private static Gen<RlpNode> Tree(int size)
    {
        if (size <= 1)
        {
            return s_leaf;
        }

        Gen<RlpNode> list =
            from count in Gen.Choose(0, 8)
            from items in Gen.ArrayOf(Tree(size / 3), count)
            select (RlpNode)new RlpNode.ListNode(items);
        return Gen.Frequency((3, s_leaf), (2, list));
    }

    /// <summary>Uniform 64-bit values assembled from three 22-bit draws (Gen.Choose takes ints).</summary>
    private static Gen<ulong> UInt64s() =>
        from high in Gen.Choose(0, (1 << 22) - 1)
        from middle in Gen.Choose(0, (1 << 21) - 1)
        from low in Gen.Choose(0, (1 << 21) - 1)
        select ((ulong)(uint)high << 42) | ((ulong)(uint)middle << 21) | (uint)low;

    /// <summary>Keeps the low <paramref name="bits"/> bits, so every byte length is equally likely.</summary>
    private static ulong Truncate(ulong value, int bits) => bits >= 64 ? value : value & ((1UL << bits) - 1);
}
