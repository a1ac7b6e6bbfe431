using System.Numerics;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Devp2p.Bench.Infrastructure;
using Devp2p.Crypto;

namespace Devp2p.Bench.Crypto;

/// <summary>
/// AES-256-CTR over <see cref="Size"/> bytes in place: ours (AES-NI, and our portable path), against
/// what a .NET developer writes without intrinsics, System.Security.Cryptography
/// <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> over a
/// pre-built buffer of counter blocks followed by an XOR. One operation transforms the whole
/// buffer, so MB/s (10^6 bytes per second, the unit of <c>openssl speed</c>) is Size / Mean; compare
/// with <c>openssl speed -evp aes-256-ctr -bytes 16384 -seconds 3</c>.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*AesCtr*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class AesCtrBenchmarks
{
    private const int DataSeed = 0xAE5;
    private const int KeyBytes = 32;
    private const int BlockSize = 16;

    private byte[] _key = [];
    private byte[] _iv = [];
    private byte[] _data = [];
    private byte[] _counterBlocks = [];
    private byte[] _keystream = [];
    private AesCtr? _ours;
    private AesCtr? _oursPortable;
    private Aes? _ecb;

    /// <summary>Buffer length in bytes: a typical devp2p message frame, and a large one (openssl's largest size).</summary>
    [Params(1024, 16384)]
    public int Size { get; set; }

    /// <summary>Builds the inputs and checks that all three produce the same ciphertext before measuring.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(DataSeed);
        _key = new byte[KeyBytes];
        _iv = new byte[BlockSize];
        _data = new byte[Size];
        random.NextBytes(_key);
        random.NextBytes(_iv);
        random.NextBytes(_data);

        // The baseline's counter blocks are built once: its measured cost is encryption and XOR only.
        _counterBlocks = new byte[Size];
        byte[] counter = (byte[])_iv.Clone();
        for (int offset = 0; offset < Size; offset += BlockSize)
        {
            counter.CopyTo(_counterBlocks, offset);
            for (int i = BlockSize - 1; i >= 0 && ++counter[i] == 0; i--)
            {
            }
        }

        _keystream = new byte[Size];
        _ecb = Aes.Create();
        _ecb.Key = _key;
        _ours = new AesCtr(_key, _iv);
        _oursPortable = AesCtr.CreatePortable(_key, _iv);

        byte[] plaintext = (byte[])_data.Clone();
        AesCtr_EncryptEcbCounterBlocks();
        byte[] expected = (byte[])_data.Clone();
        Check(plaintext, expected, _ours, nameof(AesCtr_Ours));
        Check(plaintext, expected, _oursPortable, nameof(AesCtr_OursPortable));
        if (_ours.IsPortable == AesCtr.IsHardwareAccelerated)
        {
            throw new InvalidOperationException("AesCtr did not pick the AES-NI path on a machine that has it.");
        }
    }

    /// <summary>Releases the ciphers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ours?.Dispose();
        _oursPortable?.Dispose();
        _ecb?.Dispose();
    }

    /// <summary>Devp2p.Crypto.AesCtr.Transform in place (AES-NI when available).</summary>
    [Benchmark]
    public void AesCtr_Ours() => _ours!.Transform(_data);

    /// <summary>Devp2p.Crypto.AesCtr forced onto its portable path (batched System.Security.Cryptography ECB).</summary>
    [Benchmark]
    public void AesCtr_OursPortable() => _oursPortable!.Transform(_data);

    /// <summary>Aes.EncryptEcb over pre-built counter blocks, then a Vector&lt;byte&gt; XOR into the data.</summary>
    [Benchmark(Baseline = true)]
    public void AesCtr_EncryptEcbCounterBlocks()
    {
        _ecb!.EncryptEcb(_counterBlocks, _keystream, PaddingMode.None);
        Span<byte> data = _data;
        ReadOnlySpan<byte> keystream = _keystream;
        int i = 0;
        for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    private static void Check(byte[] plaintext, byte[] expected, AesCtr fresh, string name)
    {
        byte[] actual = (byte[])plaintext.Clone();
        fresh.Transform(actual);
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"{name} disagrees with EncryptEcb-over-counter-blocks at byte {actual.AsSpan().CommonPrefixLength(expected)}.");
        }
    }
}
