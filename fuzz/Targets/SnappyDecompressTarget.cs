using Devp2p.Framing.Snappy;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// Snappy decompression of hostile input into an exact-size destination followed by a canary
/// region: the decoder must reject corrupt input with <see cref="SnappyException"/> and never
/// write past the declared length.
/// </summary>
internal sealed class SnappyDecompressTarget : IFuzzTarget
{
    /// <summary>Declared sizes above this are refused up front, as the engine does with its limit.</summary>
    private const int MaxDeclaredLength = 1 << 20;
    private const int CanaryLength = 64;
    private const byte CanaryByte = 0xA5;

    public string Name => "snappy-decompress";

    public string Description => "SnappyCodec.TryGetUncompressedLength + Decompress with an out-of-bounds canary";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (!SnappyCodec.TryGetUncompressedLength(input, out int length) || length > MaxDeclaredLength)
        {
            return;
        }

        byte[] buffer = new byte[length + CanaryLength];
        buffer.AsSpan(length).Fill(CanaryByte);
        try
        {
            int written = SnappyCodec.Decompress(input, buffer.AsSpan(0, length));
            if (written != length)
            {
                throw new InvalidOperationException($"Decompress wrote {written} bytes but the preamble declared {length}.");
            }
        }
        finally
        {
            if (buffer.AsSpan(length).IndexOfAnyExcept(CanaryByte) >= 0)
            {
                throw new InvalidOperationException("Decompress wrote past the end of its destination.");
            }
        }
    }

    public bool IsExpected(Exception exception) => exception is SnappyException;
}
