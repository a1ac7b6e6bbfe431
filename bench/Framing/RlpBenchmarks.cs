using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Devp2p.Framing.Rlp;

namespace Devp2p.Bench.Framing;

/// <summary>
/// RLP encode and decode of three message shapes: a list of 16 small integers (header-dominated),
/// a list of 32 32-byte strings (copy-dominated, like a list of hashes), and a 15-field
/// block-header-like struct of about 500 bytes through the static-abstract codec interfaces.
/// Every benchmark should allocate 0 B.
/// </summary>
[MemoryDiagnoser]
public class RlpBenchmarks
{
    private const int IntegerCount = 16;
    private const int HashCount = 32;
    private const int HashLength = 32;

    private readonly ulong[] _integers = new ulong[IntegerCount];
    private readonly byte[] _hashes = new byte[HashCount * HashLength];
    private readonly byte[] _destination = new byte[4096];
    private Header _header;
    private byte[] _integersEncoded = [];
    private byte[] _hashesEncoded = [];
    private byte[] _headerEncoded = [];

    /// <summary>Builds the inputs and checks every encode/decode pair once before anything is timed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < IntegerCount; i++)
        {
            // A mix of 1-byte (bare), 2-byte and 3-byte encodings, as in message ids and counts.
            _integers[i] = (ulong)(i * 37 * (i % 3 == 0 ? 1 : 11));
        }

        random.NextBytes(_hashes);
        _header = Header.Create(random);

        _integersEncoded = _destination.AsSpan(0, EncodeIntegers()).ToArray();
        _hashesEncoded = _destination.AsSpan(0, EncodeHashes()).ToArray();
        _headerEncoded = _destination.AsSpan(0, EncodeHeader()).ToArray();

        Check(DecodeIntegers() == Sum(_integers), "integers did not round-trip");
        Check(DecodeHashes() == Checksum(_hashes), "hashes did not round-trip");
        Check(RlpCodec.Decode<Header>(_headerEncoded).Equals(_header), "header did not round-trip");
        Check(_hashesEncoded.Length == 3 + (HashCount * (1 + HashLength)), "hash list has an unexpected length");
        Check(_headerEncoded.Length is > 480 and < 560, $"header is {_headerEncoded.Length} bytes, expected about 500");
        RlpCodec.Validate(_integersEncoded);
        RlpCodec.Validate(_hashesEncoded);
        RlpCodec.Validate(_headerEncoded);
    }

    /// <summary>Encodes 16 integers as one list, sizing it first.</summary>
    [Benchmark]
    public int EncodeIntegers()
    {
        int content = 0;
        foreach (ulong value in _integers)
        {
            content += RlpCodec.GetIntegerLength(value);
        }

        var writer = new RlpWriter(_destination);
        writer.WriteListHeader(content);
        foreach (ulong value in _integers)
        {
            writer.WriteUInt64(value);
        }

        return writer.BytesWritten;
    }

    /// <summary>Decodes the list of 16 integers.</summary>
    [Benchmark]
    public ulong DecodeIntegers()
    {
        var reader = new RlpReader(_integersEncoded);
        RlpReader list = reader.ReadList();
        ulong sum = 0;
        while (!list.IsAtEnd)
        {
            sum += list.ReadUInt64();
        }

        reader.EnsureEnd();
        return sum;
    }

    /// <summary>Encodes 32 byte strings of 32 bytes as one list.</summary>
    [Benchmark]
    public int EncodeHashes()
    {
        ReadOnlySpan<byte> hashes = _hashes;
        int content = 0;
        for (int i = 0; i < HashCount; i++)
        {
            content += RlpCodec.GetByteStringLength(hashes.Slice(i * HashLength, HashLength));
        }

        var writer = new RlpWriter(_destination);
        writer.WriteListHeader(content);
        for (int i = 0; i < HashCount; i++)
        {
            writer.WriteBytes(hashes.Slice(i * HashLength, HashLength));
        }

        return writer.BytesWritten;
    }

    /// <summary>Decodes the list of 32 hashes, touching each slice so the work cannot be skipped.</summary>
    [Benchmark]
    public ulong DecodeHashes()
    {
        var reader = new RlpReader(_hashesEncoded);
        RlpReader list = reader.ReadList();
        ulong checksum = 0;
        while (!list.IsAtEnd)
        {
            ReadOnlySpan<byte> hash = list.ReadFixedBytes(HashLength);
            checksum += (ulong)hash[0] + hash[HashLength - 1];
        }

        reader.EnsureEnd();
        return checksum;
    }

    /// <summary>Encodes the header struct through <see cref="IRlpEncodable"/>.</summary>
    [Benchmark]
    public int EncodeHeader() => RlpCodec.Encode(_header, _destination);

    /// <summary>Decodes the header struct through <see cref="IRlpDecodable{TSelf}"/>.</summary>
    [Benchmark]
    public ulong DecodeHeader() => RlpCodec.Decode<Header>(_headerEncoded).Number;

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"RlpBenchmarks setup check failed: {message}.");
        }
    }

    private static ulong Sum(ulong[] values)
    {
        ulong sum = 0;
        foreach (ulong value in values)
        {
            sum += value;
        }

        return sum;
    }

    private static ulong Checksum(byte[] hashes)
    {
        ulong checksum = 0;
        for (int i = 0; i < HashCount; i++)
        {
            checksum += (ulong)hashes[i * HashLength] + hashes[(i * HashLength) + HashLength - 1];
        }

        return checksum;
    }

    /// <summary>32 inline bytes (a hash).</summary>
    [InlineArray(32)]
    public struct Bytes32
    {
        private byte _element0;
    }

    /// <summary>20 inline bytes (an address).</summary>
    [InlineArray(20)]
    public struct Bytes20
    {
        private byte _element0;
    }

    /// <summary>8 inline bytes (a nonce).</summary>
    [InlineArray(8)]
    public struct Bytes8
    {
        private byte _element0;
    }

    /// <summary>256 inline bytes (a logs bloom).</summary>
    [InlineArray(256)]
    public struct Bytes256
    {
        private byte _element0;
    }

    /// <summary>A pre-London block header's 15 fields, held inline so decoding allocates nothing.</summary>
    public struct Header : IRlpEncodable, IRlpDecodable<Header>, IEquatable<Header>
    {
        private Bytes32 _parentHash;
        private Bytes32 _uncleHash;
        private Bytes20 _coinbase;
        private Bytes32 _stateRoot;
        private Bytes32 _transactionsRoot;
        private Bytes32 _receiptsRoot;
        private Bytes256 _bloom;
        private UInt256 _difficulty;
        private ulong _number;
        private ulong _gasLimit;
        private ulong _gasUsed;
        private ulong _timestamp;
        private Bytes32 _extraData;
        private int _extraDataLength;
        private Bytes32 _mixHash;
        private Bytes8 _nonce;

        /// <summary>The block number.</summary>
        public readonly ulong Number => _number;

        /// <summary>Builds a header with realistic field sizes.</summary>
        public static Header Create(Random random)
        {
            Header header = default;
            random.NextBytes(header._parentHash);
            random.NextBytes(header._uncleHash);
            random.NextBytes(header._coinbase);
            random.NextBytes(header._stateRoot);
            random.NextBytes(header._transactionsRoot);
            random.NextBytes(header._receiptsRoot);
            random.NextBytes(header._bloom);
            header._difficulty = new UInt256(0, 0, 0x2, 0xC3A1_0000_0000_0000);
            header._number = 15_537_393;
            header._gasLimit = 30_000_000;
            header._gasUsed = 12_345_678;
            header._timestamp = 1_663_224_162;
            header._extraDataLength = 12;
            random.NextBytes(((Span<byte>)header._extraData)[..header._extraDataLength]);
            random.NextBytes(header._mixHash);
            random.NextBytes(header._nonce);
            return header;
        }

        /// <inheritdoc/>
        public readonly int GetRlpLength() => RlpCodec.GetListLength(GetContentLength());

        /// <inheritdoc/>
        public readonly void Encode(ref RlpWriter writer)
        {
            writer.WriteListHeader(GetContentLength());
            writer.WriteBytes(_parentHash);
            writer.WriteBytes(_uncleHash);
            writer.WriteBytes(_coinbase);
            writer.WriteBytes(_stateRoot);
            writer.WriteBytes(_transactionsRoot);
            writer.WriteBytes(_receiptsRoot);
            writer.WriteBytes(_bloom);
            writer.WriteUInt256(_difficulty);
            writer.WriteUInt64(_number);
            writer.WriteUInt64(_gasLimit);
            writer.WriteUInt64(_gasUsed);
            writer.WriteUInt64(_timestamp);
            writer.WriteBytes(((ReadOnlySpan<byte>)_extraData)[.._extraDataLength]);
            writer.WriteBytes(_mixHash);
            writer.WriteBytes(_nonce);
        }

        /// <inheritdoc/>
        public static Header Decode(ref RlpReader reader)
        {
            RlpReader fields = reader.ReadList();
            Header header = default;
            fields.ReadFixedBytes(32).CopyTo(header._parentHash);
            fields.ReadFixedBytes(32).CopyTo(header._uncleHash);
            fields.ReadFixedBytes(20).CopyTo(header._coinbase);
            fields.ReadFixedBytes(32).CopyTo(header._stateRoot);
            fields.ReadFixedBytes(32).CopyTo(header._transactionsRoot);
            fields.ReadFixedBytes(32).CopyTo(header._receiptsRoot);
            fields.ReadFixedBytes(256).CopyTo(header._bloom);
            header._difficulty = fields.ReadUInt256();
            header._number = fields.ReadUInt64();
            header._gasLimit = fields.ReadUInt64();
            header._gasUsed = fields.ReadUInt64();
            header._timestamp = fields.ReadUInt64();
            int extraOffset = fields.Position;
            ReadOnlySpan<byte> extra = fields.ReadBytes();
            if (extra.Length > 32)
            {
                throw new RlpException(RlpError.UnexpectedLength, extraOffset, $"Extra data at offset {extraOffset} exceeds 32 bytes.");
            }

            extra.CopyTo(header._extraData);
            header._extraDataLength = extra.Length;
            fields.ReadFixedBytes(32).CopyTo(header._mixHash);
            fields.ReadFixedBytes(8).CopyTo(header._nonce);
            fields.EnsureEnd();
            return header;
        }

        /// <inheritdoc/>
        public readonly bool Equals(Header other)
        {
            return ((ReadOnlySpan<byte>)_parentHash).SequenceEqual(other._parentHash)
                && ((ReadOnlySpan<byte>)_uncleHash).SequenceEqual(other._uncleHash)
                && ((ReadOnlySpan<byte>)_coinbase).SequenceEqual(other._coinbase)
                && ((ReadOnlySpan<byte>)_stateRoot).SequenceEqual(other._stateRoot)
                && ((ReadOnlySpan<byte>)_transactionsRoot).SequenceEqual(other._transactionsRoot)
                && ((ReadOnlySpan<byte>)_receiptsRoot).SequenceEqual(other._receiptsRoot)
                && ((ReadOnlySpan<byte>)_bloom).SequenceEqual(other._bloom)
                && _difficulty == other._difficulty
                && _number == other._number
                && _gasLimit == other._gasLimit
                && _gasUsed == other._gasUsed
                && _timestamp == other._timestamp
                && ((ReadOnlySpan<byte>)_extraData)[.._extraDataLength].SequenceEqual(((ReadOnlySpan<byte>)other._extraData)[..other._extraDataLength])
                && ((ReadOnlySpan<byte>)_mixHash).SequenceEqual(other._mixHash)
                && ((ReadOnlySpan<byte>)_nonce).SequenceEqual(other._nonce);
        }

        /// <inheritdoc/>
        public override readonly bool Equals(object? obj) => obj is Header other && Equals(other);

        /// <inheritdoc/>
        public override readonly int GetHashCode() => HashCode.Combine(_number, _timestamp);

        private readonly int GetContentLength() =>
            RlpCodec.GetByteStringLength(_parentHash)
            + RlpCodec.GetByteStringLength(_uncleHash)
            + RlpCodec.GetByteStringLength(_coinbase)
            + RlpCodec.GetByteStringLength(_stateRoot)
            + RlpCodec.GetByteStringLength(_transactionsRoot)
            + RlpCodec.GetByteStringLength(_receiptsRoot)
            + RlpCodec.GetByteStringLength(_bloom)
            + RlpCodec.GetIntegerLength(_difficulty)
            + RlpCodec.GetIntegerLength(_number)
            + RlpCodec.GetIntegerLength(_gasLimit)
            + RlpCodec.GetIntegerLength(_gasUsed)
            + RlpCodec.GetIntegerLength(_timestamp)
            + RlpCodec.GetByteStringLength(((ReadOnlySpan<byte>)_extraData)[.._extraDataLength])
            + RlpCodec.GetByteStringLength(_mixHash)
            + RlpCodec.GetByteStringLength(_nonce);
    }
}
