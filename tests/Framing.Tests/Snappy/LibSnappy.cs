using System.Runtime.InteropServices;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// The reference C++ implementation (google/snappy, Debian libsnappy1v5) through its C API
/// (snappy-c.h), used only as a test oracle next to IronSnappy. The README's commands install it.
/// </summary>
internal static unsafe partial class LibSnappy
{
    private const string Library = "libsnappy.so.1";
    private const int StatusOk = 0;

    /// <summary>True when the library loads on this machine (Linux with libsnappy1v5).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Library, out _);

    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        nuint capacity = snappy_max_compressed_length((nuint)input.Length);
        byte[] output = new byte[(int)capacity];
        nuint length = capacity;
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            Check(snappy_compress(source, (nuint)input.Length, destination, &length), "snappy_compress");
        }

        return output[..(int)length];
    }

    /// <summary>Decompresses, or returns null when the reference rejects the input.</summary>
    public static byte[]? TryDecompress(ReadOnlySpan<byte> compressed)
    {
        fixed (byte* source = compressed)
        {
            nuint length;
            if (snappy_uncompressed_length(source, (nuint)compressed.Length, &length) != StatusOk || length > int.MaxValue)
            {
                return null;
            }

            byte[] output = new byte[(int)length];
            fixed (byte* destination = output)
            {
                return snappy_uncompress(source, (nuint)compressed.Length, destination, &length) == StatusOk
                    ? output[..(int)length]
                    : null;
            }
        }
    }

    private static void Check(int status, string function)
    {
        if (status != StatusOk)
        {
            throw new InvalidOperationException($"{function} returned status {status}");
        }
    }

    [LibraryImport(Library)]
    private static partial int snappy_compress(byte* input, nuint inputLength, byte* compressed, nuint* compressedLength);

    [LibraryImport(Library)]
    private static partial int snappy_uncompress(byte* compressed, nuint compressedLength, byte* uncompressed, nuint* uncompressedLength);

    [LibraryImport(Library)]
    private static partial nuint snappy_max_compressed_length(nuint sourceLength);

    [LibraryImport(Library)]
    private static partial int snappy_uncompressed_length(byte* compressed, nuint compressedLength, nuint* result);
}
