using Devp2p.Framing.Snappy;

namespace Devp2p.Fuzz.Targets;

/// <summary>Snappy compress then decompress: the output must equal the input, and nothing may throw.</summary>
internal sealed class SnappyRoundTripTarget : IFuzzTarget
{
    public string Name => "snappy-roundtrip";

    public string Description => "SnappyCodec.Compress then Decompress gives the input back";

    public void Run(ReadOnlySpan<byte> input)
    {
        byte[] compressed = new byte[SnappyCodec.GetMaxCompressedLength(input.Length)];
        int compressedLength = SnappyCodec.Compress(input, compressed);
        byte[] output = new byte[input.Length];
        int written = SnappyCodec.Decompress(compressed.AsSpan(0, compressedLength), output);
        if (written != input.Length || !output.AsSpan().SequenceEqual(input))
        {
            throw new InvalidOperationException("Snappy round trip changed the data.");
        }
    }

    public bool IsExpected(Exception exception) => false;
}
