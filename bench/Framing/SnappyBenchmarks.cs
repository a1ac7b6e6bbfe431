using System.Text;
using BenchmarkDotNet.Attributes;
using Devp2p.Framing.Snappy;

namespace Devp2p.Bench.Framing;

/// <summary>
/// Snappy block compress and decompress of 1 KiB and 64 KiB messages, text-like (words from a
/// small vocabulary with numbers, compressing to about a third) and random (incompressible), for
/// our <see cref="SnappyCodec"/> and IronSnappy (the managed golang/snappy port) side by side.
/// Throughput = Size / Mean. Ours should allocate 0 B; IronSnappy returns a new array per call,
/// which is part of what a caller of it pays.
/// </summary>
[MemoryDiagnoser]
public class SnappyBenchmarks
{
    private static readonly string[] s_words =
    [
        "the", "of", "and", "light", "rays", "refraction", "colours", "prism", "glass", "which",
        "is", "are", "by", "with", "in", "that", "to", "be", "a", "reflexion", "experiment",
        "0x", "enode://", "peer", "block", "hash", "transaction", "nonce", "\n", ", ", ". ",
    ];

    private byte[] _source = [];
    private byte[] _compressed = [];
    private byte[] _compressedBuffer = [];
    private byte[] _decompressed = [];

    /// <summary>Uncompressed message size in bytes.</summary>
    [Params(1024, 65536)]
    public int Size { get; set; }

    /// <summary>"text" (compressible) or "random" (incompressible).</summary>
    [Params("text", "random")]
    public string Data { get; set; } = "text";

    /// <summary>Builds the input and checks both codecs against each other once before timing.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = Data == "random" ? CreateRandom(Size) : CreateText(Size);
        _compressedBuffer = new byte[SnappyCodec.GetMaxCompressedLength(Size)];
        _decompressed = new byte[Size];
        _compressed = _compressedBuffer.AsSpan(0, SnappyCodec.Compress(_source, _compressedBuffer)).ToArray();

        Check(SnappyCodec.Decompress(_compressed, _decompressed) == Size, "our decode length");
        Check(_decompressed.AsSpan().SequenceEqual(_source), "our round trip");
        Check(IronSnappy.Snappy.Decode(_compressed).AsSpan().SequenceEqual(_source), "IronSnappy decode of ours");
        Check(Decompress_IronSnappy() == Size && Compress_IronSnappy() > 0, "IronSnappy round trip");
        Console.WriteLine($"// {Data} {Size}: ours {_compressed.Length} bytes, IronSnappy {IronSnappy.Snappy.Encode(_source).Length} bytes");
    }

    /// <summary>Our compressor into a reused destination of the maximum compressed length.</summary>
    [Benchmark]
    public int Compress_Ours() => SnappyCodec.Compress(_source, _compressedBuffer);

    /// <summary>IronSnappy's compressor (returns a new array).</summary>
    [Benchmark]
    public int Compress_IronSnappy() => IronSnappy.Snappy.Encode(_source).Length;

    /// <summary>Our decompressor into a reused destination.</summary>
    [Benchmark]
    public int Decompress_Ours() => SnappyCodec.Decompress(_compressed, _decompressed);

    /// <summary>IronSnappy's decompressor of the same bytes (returns a new array).</summary>
    [Benchmark]
    public int Decompress_IronSnappy() => IronSnappy.Snappy.Decode(_compressed).Length;

    private static byte[] CreateRandom(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static byte[] CreateText(int length)
    {
        var random = new Random(42);
        var text = new StringBuilder(length + 32);
        while (text.Length < length)
        {
            text.Append(s_words[random.Next(s_words.Length)]);
            if (random.Next(8) == 0)
            {
                text.Append(random.Next(100000));
            }

            text.Append(' ');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Snappy benchmark check failed: {what}.");
        }
    }
}
