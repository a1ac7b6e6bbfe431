using BenchmarkDotNet.Attributes;
using Devp2p.Bench.Infrastructure;
using Devp2p.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace Devp2p.Bench.Crypto;

/// <summary>
/// One-shot Keccak-256 of <see cref="Size"/> bytes: ours against BouncyCastle's KeccakDigest(256).
/// One operation is one hash of the whole input, so the MB/s column (10^6 bytes per second,
/// the unit of <c>openssl speed</c>) is Size / Mean; compare it with
/// <c>openssl speed -evp sha3-256 -bytes 16384 -seconds 3</c> (same permutation and rate).
/// Run: <c>dotnet run -c Release --project bench -- --filter '*Keccak*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class Keccak256Benchmarks
{
    private const int InputSeed = 1600;

    private readonly byte[] _output = new byte[Keccak256.HashSize];
    private readonly KeccakDigest _bouncyCastle = new(256);
    private byte[] _input = [];

    /// <summary>Input length in bytes: a MAC-sized update, a small message, a large frame.</summary>
    [Params(32, 1024, 16384)]
    public int Size { get; set; }

    /// <summary>Fills the input and checks that both implementations agree before measuring.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _input = new byte[Size];
        new Random(InputSeed).NextBytes(_input);

        Keccak256_Ours();
        byte[] ours = (byte[])_output.Clone();
        Keccak256_BouncyCastle();
        if (!ours.AsSpan().SequenceEqual(_output))
        {
            throw new InvalidOperationException(
                $"Keccak256 and BouncyCastle KeccakDigest(256) disagree on {Size} bytes: " +
                $"{Convert.ToHexStringLower(ours)} vs {Convert.ToHexStringLower(_output)}");
        }
    }

    /// <summary>Devp2p.Crypto.Keccak256.Hash.</summary>
    [Benchmark(Baseline = false)]
    public void Keccak256_Ours() => Keccak256.Hash(_input, _output);

    /// <summary>BouncyCastle KeccakDigest(256): BlockUpdate then DoFinal (which also resets it).</summary>
    [Benchmark]
    public void Keccak256_BouncyCastle()
    {
        _bouncyCastle.BlockUpdate(_input, 0, _input.Length);
        _bouncyCastle.DoFinal(_output, 0);
    }
}
