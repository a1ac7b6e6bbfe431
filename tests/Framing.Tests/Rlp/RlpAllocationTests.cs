using Devp2p.Framing.Rlp;
using Xunit;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>The reader and writer must not touch the heap: DESIGN.md, "A message touches the heap zero times".</summary>
public sealed class RlpAllocationTests
{
    private const int WarmUpIterations = 2_000;
    private const int MeasuredIterations = 1_000;

    [Fact]
    public void EncodeAndDecodeOfAStructMessage_AllocateNothing()
    {
        SampleBlockHeader header = SampleBlockHeader.Create(11);
        byte[] buffer = new byte[header.GetRlpLength()];

        // Warm up first so tiering and static constructors have happened before measuring.
        ulong checksum = RoundTrip(header, buffer, WarmUpIterations);

        long before = GC.GetAllocatedBytesForCurrentThread();
        checksum += RoundTrip(header, buffer, MeasuredIterations);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(header.Number * (WarmUpIterations + MeasuredIterations), checksum);
    }

    [Fact]
    public void ReaderAndWriterPrimitives_AllocateNothing()
    {
        byte[] buffer = new byte[256];
        byte[] payload = new byte[70];
        ulong checksum = Primitives(buffer, payload, WarmUpIterations);

        long before = GC.GetAllocatedBytesForCurrentThread();
        checksum += Primitives(buffer, payload, MeasuredIterations);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0UL, checksum);
    }

    private static ulong RoundTrip(in SampleBlockHeader header, byte[] buffer, int iterations)
    {
        ulong checksum = 0;
        for (int i = 0; i < iterations; i++)
        {
            RlpCodec.Encode(header, buffer);
            RlpCodec.Validate(buffer);
            checksum += RlpCodec.Decode<SampleBlockHeader>(buffer).Number;
        }

        return checksum;
    }

    private static ulong Primitives(byte[] buffer, byte[] payload, int iterations)
    {
        ulong checksum = 0;
        for (int i = 0; i < iterations; i++)
        {
            var writer = new RlpWriter(buffer);
            int content = RlpCodec.GetIntegerLength((ulong)i) + RlpCodec.GetByteStringLength(payload)
                + RlpCodec.GetIntegerLength(UInt256.MaxValue) + RlpCodec.BoolLength + RlpCodec.GetStringLength("abc");
            writer.WriteListHeader(content);
            writer.WriteUInt64((ulong)i);
            writer.WriteBytes(payload);
            writer.WriteUInt256(UInt256.MaxValue);
            writer.WriteBool(true);
            writer.WriteString("abc");

            var reader = new RlpReader(writer.WrittenSpan);
            RlpReader list = reader.ReadList();
            checksum += list.ReadUInt64();
            checksum += (ulong)list.ReadBytes().Length;
            checksum += list.ReadUInt256().Lower & 1;
            checksum += list.ReadBool() ? 1UL : 0;
            checksum += (ulong)list.ReadUtf8Bytes().Length;
            list.EnsureEnd();
            reader.EnsureEnd();
        }

        return checksum;
    }
}
