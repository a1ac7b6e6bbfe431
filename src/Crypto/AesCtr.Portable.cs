using System.Buffers.Binary;
using System.Diagnostics;

namespace Devp2p.Crypto;

/// <summary>The portable path: System.Security.Cryptography encrypts batches of counter blocks.</summary>
public sealed partial class AesCtr
{
    /// <summary>
    /// Keystream bytes produced per call into the BCL. Each call crosses into the native cipher at a
    /// fixed cost of a few hundred nanoseconds, so batches amortise it; 2 KiB keeps the two
    /// per-instance buffers small for the thousands of streams a node holds.
    /// </summary>
    private const int PortableBatchBytes = 2048;

    /// <summary>Transforms input with an empty keystream buffer; leaves any tail keystream buffered.</summary>
    private void TransformPortable(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Debug.Assert(_keystreamOffset == _keystream.Length, "Buffered keystream is used up first.");
        byte[] keystream = _keystream;
        while (!input.IsEmpty)
        {
            RefillPortable();
            int take = Math.Min(keystream.Length, input.Length);
            Xor(input[..take], keystream, output);
            _keystreamOffset = take;
            input = input[take..];
            output = output[take..];
        }
    }

    /// <summary>Encrypts the next batch of counter blocks into the keystream buffer and advances the counter past them.</summary>
    private void RefillPortable()
    {
        byte[] counters = _counterBlocks!;
        ulong high = _counterHigh;
        ulong low = _counterLow;
        Span<byte> blocks = counters;
        for (int i = 0; i < blocks.Length; i += BlockSize)
        {
            BinaryPrimitives.WriteUInt64BigEndian(blocks.Slice(i, 8), high);
            BinaryPrimitives.WriteUInt64BigEndian(blocks.Slice(i + 8, 8), low);

            // 128-bit increment: the carry out of the low half runs into the high half, and the
            // all-0xFF block wraps to zero.
            low++;
            if (low == 0)
            {
                high++;
            }
        }

        _counterHigh = high;
        _counterLow = low;
        _portable!.EncryptBlocks(counters, _keystream, counters.Length);
    }
}
