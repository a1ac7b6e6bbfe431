using System.Buffers;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Builds multi-segment sequences, to test parsing across segment boundaries.</summary>
internal sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    private TestSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Cuts <paramref name="data"/> into segments of <paramref name="segmentSize"/> bytes (each its own array).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        TestSegment first = new(data.AsSpan(0, Math.Min(segmentSize, data.Length)).ToArray(), 0);
        TestSegment last = first;
        for (int offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            var next = new TestSegment(data.AsSpan(offset, Math.Min(segmentSize, data.Length - offset)).ToArray(), offset);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
