using Devp2p.Framing.Snappy;
using Xunit;
using Xunit.Sdk;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// The same hostile inputs with both buffers flush against a guard page: an out-of-bounds read of
/// the input (which a canary cannot see) or write of the output crashes the run.
/// </summary>
public sealed partial class SnappyCodecTests
{
    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Decompress_GuardPages_TruncationsAndMutations(string corpus)
    {
        if (!GuardedMemory.IsSupported)
        {
            return;
        }

        byte[] compressed = CorpusSample(corpus);
        Assert.True(SnappyCodec.TryGetUncompressedLength(compressed, out int declared));
        using var input = new GuardedMemory(compressed.Length);
        using var output = new GuardedMemory(MutationLengthLimit);

        for (int prefix = 1; prefix <= compressed.Length; prefix++)
        {
            Span<byte> source = input.Tail(prefix);
            compressed.AsSpan(0, prefix).CopyTo(source);
            DecodeGuarded(source, output, expectSuccess: prefix == compressed.Length, $"{corpus} prefix {prefix}");
        }

        var random = new Random(corpus.Length);
        for (int iteration = 0; iteration < 1000; iteration++)
        {
            byte[] mutated = (byte[])compressed.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            int length = random.Next(1, mutated.Length + 1);
            Span<byte> source = input.Tail(length);
            mutated.AsSpan(0, length).CopyTo(source);
            DecodeGuarded(source, output, expectSuccess: null, $"{corpus} mutation {iteration} (seed {corpus.Length})");
        }
    }

    [Fact]
    public void Decompress_GuardPages_LiteralsAndCopiesWithTrailingJunk()
    {
        if (!GuardedMemory.IsSupported)
        {
            return;
        }

        // Output room just below and above the wild-copy slack, with plenty of input left after
        // the element (junk copy4 tags), so only the output bound can stop an over-long move.
        using var input = new GuardedMemory(4096);
        using var output = new GuardedMemory(4096);
        byte[] junk = Enumerable.Repeat((byte)0xFF, 80).ToArray();
        for (int head = 1; head <= 70; head++)
        {
            for (int declared = head; declared <= head + 80; declared++)
            {
                byte[] literalThenJunk = WithPreamble(declared, [.. LiteralElement(head), .. junk]);
                DecodeGuarded(CopyToTail(input, literalThenJunk), output, expectSuccess: false, $"literal {head}, declared {declared}");

                byte[] copyThenJunk = WithPreamble(declared, [.. LiteralElement(head), 0xFE, 1, 0, .. junk]);
                DecodeGuarded(CopyToTail(input, copyThenJunk), output, expectSuccess: false, $"literal {head} + copy 64, declared {declared}");
            }
        }
    }

    [Fact]
    public void Compress_GuardPages_StaysInsideSourceAndBound()
    {
        if (!GuardedMemory.IsSupported)
        {
            return;
        }

        // The source flush against a guard page catches reads past it (hash loads, match
        // extension, 16-byte literal moves); the destination of exactly the bound catches writes.
        const int largest = 200 * 1024;
        using var input = new GuardedMemory(largest);
        using var output = new GuardedMemory(SnappyCodec.GetMaxCompressedLength(largest));
        IEnumerable<int> lengths = Enumerable.Range(0, 300).Concat(SnappyTestData.EdgeLengths);
        foreach (string kind in s_kinds)
        {
            foreach (int length in lengths)
            {
                byte[] data = SnappyTestData.Create(kind, length, seed: length);
                Span<byte> source = CopyToTail(input, data);
                Span<byte> destination = output.Tail(SnappyCodec.GetMaxCompressedLength(length));

                int written = SnappyCodec.Compress(source, destination);

                SnappyTestData.AssertEqual(data, Decompress(destination[..written]), $"{kind} length {length} seed {length}");
            }
        }
    }

    [Theory]
    [InlineData(61, 61, 21)]
    [InlineData(1, 1, 22)]
    [InlineData(1, 300, 23)]
    [InlineData(250, 260, 24)]
    public void Compress_ExpandingInputs_StayWithinTheBound(int minLiteral, int maxLiteral, int seed)
    {
        byte[] source = SnappyTestData.CreateExpanding((3 * 65536) + 1234, minLiteral, maxLiteral, seed);

        int bound = SnappyCodec.GetMaxCompressedLength(source.Length);
        byte[] destination = NewCanaryBuffer(bound);
        int written = SnappyCodec.Compress(source, destination.AsSpan(0, bound));

        AssertCanary(destination, bound, $"seed {seed}");
        Assert.InRange(written, 1, bound);
        SnappyTestData.AssertEqual(source, Decompress(destination.AsSpan(0, written)), $"seed {seed}");
        SnappyTestData.AssertEqual(source, IronSnappy.Snappy.Decode(destination.AsSpan(0, written).ToArray()), $"seed {seed} (IronSnappy)");
    }

    private static Span<byte> CopyToTail(GuardedMemory memory, byte[] bytes)
    {
        Span<byte> tail = memory.Tail(bytes.Length);
        bytes.CopyTo(tail);
        return tail;
    }

    private static void DecodeGuarded(ReadOnlySpan<byte> compressed, GuardedMemory output, bool? expectSuccess, string context)
    {
        if (!SnappyCodec.TryGetUncompressedLength(compressed, out int declared))
        {
            byte[] copy = compressed.ToArray();
            Assert.Throws<SnappyException>(() => SnappyCodec.Decompress(copy, new byte[8]));
            Assert.NotEqual(true, expectSuccess);
            return;
        }

        if (declared > MutationLengthLimit)
        {
            return;
        }

        try
        {
            SnappyCodec.Decompress(compressed, output.Tail(declared));
            Assert.True(expectSuccess != false, $"{context}: decoded without error.");
        }
        catch (SnappyException)
        {
            Assert.True(expectSuccess != true, $"{context}: rejected a valid block.");
        }
        catch (Exception unexpected) when (unexpected is not XunitException)
        {
            throw new XunitException($"{context}: {unexpected.GetType().Name} instead of SnappyException: {unexpected.Message}");
        }
    }
}
