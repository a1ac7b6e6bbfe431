using Devp2p.Framing.Snappy;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>Property tests: round trips over generated inputs built from literals and back-references.</summary>
public sealed partial class SnappyCodecTests
{
    [Fact]
    public void Property_RoundTrip_ArbitraryBytes()
    {
        Arbitrary<byte[]> bytes = ArbMap.Default.ArbFor<byte[]>();
        Property property = Prop.ForAll(bytes, source => RoundTrips(source));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Property_RoundTrip_StructuredInputs_MatchesIronSnappy()
    {
        // Each piece is (kind, length, offset, seed): fresh random bytes, or a repeat of earlier
        // output from some distance back, so copies of every offset and length class appear.
        Gen<(int Kind, int Length, int Offset, int Seed)> piece =
            from kind in Gen.Choose(0, 2)
            from length in Gen.Choose(1, 300)
            from offset in Gen.Choose(1, 70_000)
            from seed in Gen.Choose(0, int.MaxValue)
            select (kind, length, offset, seed);
        Arbitrary<(int Kind, int Length, int Offset, int Seed)[]> pieces = Arb.From(Gen.ArrayOf(piece));

        Property property = Prop.ForAll(pieces, p =>
        {
            byte[] source = Build(p);
            byte[] decoded = IronSnappy.Snappy.Decode(Compress(source));
            return RoundTrips(source) && decoded.AsSpan().SequenceEqual(source);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    private static bool RoundTrips(byte[] source) => Decompress(Compress(source)).AsSpan().SequenceEqual(source);

    private static byte[] Build((int Kind, int Length, int Offset, int Seed)[] pieces)
    {
        var output = new List<byte>();
        foreach ((int kind, int length, int offset, int seed) in pieces)
        {
            if (kind == 0 || output.Count == 0)
            {
                output.AddRange(SnappyTestData.CreateRandom(length, seed));
            }
            else if (kind == 1)
            {
                // Repeat from `offset` back (clamped), overlapping when offset < length.
                int distance = 1 + (offset % output.Count);
                for (int i = 0; i < length; i++)
                {
                    output.Add(output[output.Count - distance]);
                }
            }
            else
            {
                output.AddRange(Enumerable.Repeat((byte)seed, length));
            }
        }

        return output.ToArray();
    }
}
