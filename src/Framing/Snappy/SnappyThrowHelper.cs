using System.Diagnostics.CodeAnalysis;

namespace Devp2p.Framing.Snappy;

/// <summary>
/// Throw sites for the codec, kept out of the hot loops so those stay small enough to inline and
/// keep in registers; every message names the element, the values and the input offset.
/// </summary>
internal static class SnappyThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBadPreamble(ReadOnlySpan<byte> compressed) =>
        throw new SnappyException(DescribePreamble(compressed), 0);

    [DoesNotReturn]
    public static void ThrowTruncatedLiteralLength(long offset, int needed, long available) =>
        throw new SnappyException(
            $"snappy: literal at offset {offset} needs {needed} length byte(s) but only {available} remain.",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowLiteralPastInput(long offset, ulong length, long available) =>
        throw new SnappyException(
            $"snappy: literal of {length} bytes at offset {offset} runs past the end of the input ({available} bytes left).",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowLiteralPastOutput(long offset, ulong length, long room, int declared) =>
        throw new SnappyException(
            $"snappy: literal of {length} bytes at offset {offset} exceeds the declared uncompressed length {declared} ({room} bytes left).",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowTruncatedCopy(long offset, int needed, long available) =>
        throw new SnappyException(
            $"snappy: copy element at offset {offset} needs {needed} bytes but only {available} remain.",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowBadCopyOffset(long offset, ulong copyOffset, long written) =>
        throw new SnappyException(
            copyOffset == 0
                ? $"snappy: copy at offset {offset} has offset 0."
                : $"snappy: copy at offset {offset} reaches back {copyOffset} bytes but only {written} have been decoded.",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowCopyPastOutput(long offset, ulong length, long room, int declared) =>
        throw new SnappyException(
            $"snappy: copy of {length} bytes at offset {offset} exceeds the declared uncompressed length {declared} ({room} bytes left).",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowShortOutput(long offset, long written, int declared) =>
        throw new SnappyException(
            $"snappy: input ended at offset {offset} after {written} of the {declared} declared bytes.",
            (int)offset);

    [DoesNotReturn]
    public static void ThrowDestinationTooSmall(string paramName, int length, int required) =>
        throw new ArgumentException(
            $"The destination holds {length} bytes but {required} are required.", paramName);

    [DoesNotReturn]
    public static void ThrowCompressedBoundExceeded() =>
        throw new InvalidOperationException(
            "snappy: the compressor's output bound was exceeded; this is a bug in the encoder, not in the input.");

    [DoesNotReturn]
    public static void ThrowOverlap(string paramName) =>
        throw new ArgumentException("The source and destination must not overlap.", paramName);

    private static string DescribePreamble(ReadOnlySpan<byte> compressed)
    {
        int terminated = -1;
        for (int i = 0; i < compressed.Length && i < SnappyFormat.MaxVarintLength; i++)
        {
            if (compressed[i] < 0x80)
            {
                terminated = i;
                break;
            }
        }

        if (terminated >= 0)
        {
            return "snappy: the uncompressed-length preamble at offset 0 exceeds int.MaxValue.";
        }

        return compressed.Length < SnappyFormat.MaxVarintLength
            ? $"snappy: the uncompressed-length preamble at offset 0 is truncated ({compressed.Length} byte(s), all with the continuation bit)."
            : "snappy: the uncompressed-length preamble at offset 0 is longer than 5 bytes.";
    }
}
