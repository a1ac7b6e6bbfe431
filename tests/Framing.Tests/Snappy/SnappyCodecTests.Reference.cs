using Devp2p.Framing.Snappy;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// Differential tests against the reference C++ snappy (libsnappy through its C API), in both
/// directions, plus accept/reject agreement on corrupted input.
/// </summary>
public sealed partial class SnappyCodecTests
{
    private const int ReferenceMutationCases = 3000;

    public static TheoryData<string> DataKinds() => new() { SnappyTestData.Random, SnappyTestData.Text, SnappyTestData.Runs };

    [Theory]
    [MemberData(nameof(DataKinds))]
    public void ReferenceLibrarySnappyAgreesInBothDirections(string kind)
    {
        RequireLibSnappy();
        foreach (int length in SnappyTestData.EdgeLengths)
        {
            byte[] input = SnappyTestData.Create(kind, length, seed: length + 17);

            byte[] ours = new byte[SnappyCodec.GetMaxCompressedLength(input.Length)];
            int oursLength = SnappyCodec.Compress(input, ours);
            byte[]? decodedByReference = LibSnappy.TryDecompress(ours.AsSpan(0, oursLength));
            Assert.True(decodedByReference is not null, $"libsnappy rejected our compression of {kind}/{length}");
            SnappyTestData.AssertEqual(input, decodedByReference, $"ours -> libsnappy, {kind}/{length}");

            byte[] reference = LibSnappy.Compress(input);
            Assert.True(SnappyCodec.TryGetUncompressedLength(reference, out int declared));
            Assert.Equal(input.Length, declared);
            byte[] decoded = new byte[declared];
            Assert.Equal(input.Length, SnappyCodec.Decompress(reference, decoded));
            SnappyTestData.AssertEqual(input, decoded, $"libsnappy -> ours, {kind}/{length}");
        }
    }

    [Fact]
    public void CorruptedInputIsAcceptedOrRejectedExactlyAsTheReferenceDoes()
    {
        RequireLibSnappy();
        var random = new Random(8086);
        byte[] text = SnappyTestData.CreateText(4096, seed: 3);
        byte[] valid = LibSnappy.Compress(text);
        for (int i = 0; i < ReferenceMutationCases; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            byte[]? expected = LibSnappy.TryDecompress(mutated);
            byte[]? actual = null;
            if (SnappyCodec.TryGetUncompressedLength(mutated, out int length) && length <= 1 << 20)
            {
                byte[] output = new byte[length];
                try
                {
                    SnappyCodec.Decompress(mutated, output);
                    actual = output;
                }
                catch (SnappyException)
                {
                }
            }

            string context = $"case {i} (seed 8086): {Convert.ToHexStringLower(mutated.AsSpan(0, Math.Min(32, mutated.Length)))}...";
            Assert.True((expected is null) == (actual is null), $"accept/reject differs from libsnappy in {context}; libsnappy {(expected is null ? "rejects" : "accepts")}");
            if (expected is not null)
            {
                SnappyTestData.AssertEqual(expected, actual, context);
            }
        }
    }

    private static void RequireLibSnappy()
    {
        // The README's commands install libsnappy1v5; on other systems these two tests are not meaningful.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.True(LibSnappy.IsAvailable, "libsnappy.so.1 is missing: run scripts/ensure-deps (apt-get install -y libsnappy1v5)");
    }
}
