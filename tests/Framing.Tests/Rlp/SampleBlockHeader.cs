using System.Diagnostics.CodeAnalysis;
using Devp2p.Framing.Rlp;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>
/// A 15-field list shaped like a pre-London Ethereum block header (about 500 bytes encoded), held
/// entirely inline so that encoding and decoding it touch no heap. It proves the static-abstract
/// codec interfaces round-trip a struct without reflection or boxing.
/// </summary>
internal struct SampleBlockHeader : IRlpEncodable, IRlpDecodable<SampleBlockHeader>, IEquatable<SampleBlockHeader>
{
    /// <summary>The largest extra-data field the header accepts, as in go-ethereum's <c>MaximumExtraDataSize</c>.</summary>
    public const int MaxExtraDataLength = Bytes32.Length;

    public Bytes32 ParentHash;
    public Bytes32 UncleHash;
    public Bytes20 Coinbase;
    public Bytes32 StateRoot;
    public Bytes32 TransactionsRoot;
    public Bytes32 ReceiptsRoot;
    public Bytes256 Bloom;
    public UInt256 Difficulty;
    public ulong Number;
    public ulong GasLimit;
    public ulong GasUsed;
    public ulong Timestamp;
    public Bytes32 ExtraData;
    public byte ExtraDataLength;
    public Bytes32 MixHash;
    public Bytes8 Nonce;

    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Extra => ((ReadOnlySpan<byte>)ExtraData)[..ExtraDataLength];

    /// <summary>Builds a header whose every field depends on <paramref name="seed"/>.</summary>
    public static SampleBlockHeader Create(int seed)
    {
        var random = new Random(seed);
        SampleBlockHeader header = default;
        random.NextBytes(header.ParentHash);
        random.NextBytes(header.UncleHash);
        random.NextBytes(header.Coinbase);
        random.NextBytes(header.StateRoot);
        random.NextBytes(header.TransactionsRoot);
        random.NextBytes(header.ReceiptsRoot);
        random.NextBytes(header.Bloom);
        header.Difficulty = new UInt256(0, 0, (ulong)random.NextInt64(), (ulong)random.NextInt64());
        header.Number = (ulong)random.NextInt64(0, 30_000_000);
        header.GasLimit = 30_000_000;
        header.GasUsed = (ulong)random.NextInt64(0, 30_000_000);
        header.Timestamp = 1_700_000_000 + (ulong)random.Next();
        header.ExtraDataLength = (byte)random.Next(0, MaxExtraDataLength + 1);
        random.NextBytes(((Span<byte>)header.ExtraData)[..header.ExtraDataLength]);
        random.NextBytes(header.MixHash);
        random.NextBytes(header.Nonce);
        return header;
    }

    public readonly int GetRlpLength() => RlpCodec.GetListLength(GetContentLength());

    public readonly void Encode(ref RlpWriter writer)
    {
        writer.WriteListHeader(GetContentLength());
        writer.WriteBytes(ParentHash);
        writer.WriteBytes(UncleHash);
        writer.WriteBytes(Coinbase);
        writer.WriteBytes(StateRoot);
        writer.WriteBytes(TransactionsRoot);
        writer.WriteBytes(ReceiptsRoot);
        writer.WriteBytes(Bloom);
        writer.WriteUInt256(Difficulty);
        writer.WriteUInt64(Number);
        writer.WriteUInt64(GasLimit);
        writer.WriteUInt64(GasUsed);
        writer.WriteUInt64(Timestamp);
        writer.WriteBytes(Extra);
        writer.WriteBytes(MixHash);
        writer.WriteBytes(Nonce);
    }

    public static SampleBlockHeader Decode(ref RlpReader reader)
    {
        RlpReader fields = reader.ReadList();
        SampleBlockHeader header = default;
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.ParentHash);
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.UncleHash);
        fields.ReadFixedBytes(Bytes20.Length).CopyTo(header.Coinbase);
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.StateRoot);
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.TransactionsRoot);
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.ReceiptsRoot);
        fields.ReadFixedBytes(Bytes256.Length).CopyTo(header.Bloom);
        header.Difficulty = fields.ReadUInt256();
        header.Number = fields.ReadUInt64();
        header.GasLimit = fields.ReadUInt64();
        header.GasUsed = fields.ReadUInt64();
        header.Timestamp = fields.ReadUInt64();
        int extraOffset = fields.Position;
        ReadOnlySpan<byte> extra = fields.ReadBytes();
        if (extra.Length > MaxExtraDataLength)
        {
            throw new RlpException(
                RlpError.UnexpectedLength,
                extraOffset,
                $"Header extra data at offset {extraOffset} is {extra.Length} bytes; the limit is {MaxExtraDataLength}.");
        }

        extra.CopyTo(header.ExtraData);
        header.ExtraDataLength = (byte)extra.Length;
        fields.ReadFixedBytes(Bytes32.Length).CopyTo(header.MixHash);
        fields.ReadFixedBytes(Bytes8.Length).CopyTo(header.Nonce);
        fields.EnsureEnd();
        return header;
    }

    public readonly bool Equals(SampleBlockHeader other) =>
        ((ReadOnlySpan<byte>)ParentHash).SequenceEqual(other.ParentHash)
        && ((ReadOnlySpan<byte>)UncleHash).SequenceEqual(other.UncleHash)
        && ((ReadOnlySpan<byte>)Coinbase).SequenceEqual(other.Coinbase)
        && ((ReadOnlySpan<byte>)StateRoot).SequenceEqual(other.StateRoot)
        && ((ReadOnlySpan<byte>)TransactionsRoot).SequenceEqual(other.TransactionsRoot)
        && ((ReadOnlySpan<byte>)ReceiptsRoot).SequenceEqual(other.ReceiptsRoot)
        && ((ReadOnlySpan<byte>)Bloom).SequenceEqual(other.Bloom)
        && Difficulty == other.Difficulty
        && Number == other.Number
        && GasLimit == other.GasLimit
        && GasUsed == other.GasUsed
        && Timestamp == other.Timestamp
        && Extra.SequenceEqual(other.Extra)
        && ((ReadOnlySpan<byte>)MixHash).SequenceEqual(other.MixHash)
        && ((ReadOnlySpan<byte>)Nonce).SequenceEqual(other.Nonce);

    public override readonly bool Equals(object? obj) => obj is SampleBlockHeader other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Number, Timestamp, Difficulty);

    private readonly int GetContentLength() =>
        RlpCodec.GetByteStringLength(ParentHash)
        + RlpCodec.GetByteStringLength(UncleHash)
        + RlpCodec.GetByteStringLength(Coinbase)
        + RlpCodec.GetByteStringLength(StateRoot)
        + RlpCodec.GetByteStringLength(TransactionsRoot)
        + RlpCodec.GetByteStringLength(ReceiptsRoot)
        + RlpCodec.GetByteStringLength(Bloom)
        + RlpCodec.GetIntegerLength(Difficulty)
        + RlpCodec.GetIntegerLength(Number)
        + RlpCodec.GetIntegerLength(GasLimit)
        + RlpCodec.GetIntegerLength(GasUsed)
        + RlpCodec.GetIntegerLength(Timestamp)
        + RlpCodec.GetByteStringLength(Extra)
        + RlpCodec.GetByteStringLength(MixHash)
        + RlpCodec.GetByteStringLength(Nonce);
}
