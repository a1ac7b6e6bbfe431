using System.Diagnostics.CodeAnalysis;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// Throw sites for the AES types, kept out of the hot methods so those stay small and inlinable
/// (the pattern of dotnet/runtime <c>System.IO.Pipelines/ThrowHelper.cs</c>).
/// </summary>
internal static class AesThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowKeyLength(int actual) =>
        throw new ArgumentException($"AES key must be 16 or 32 bytes, got {actual}.", "key");

    [DoesNotReturn]
    internal static void ThrowIvLength(int actual) =>
        throw new ArgumentException($"AES-CTR IV must be 16 bytes, got {actual}.", "iv");

    [DoesNotReturn]
    internal static void ThrowLengthMismatch(int inputLength, int outputLength) =>
        throw new ArgumentException(
            $"AES-CTR output must be as long as the input: input {inputLength} bytes, output {outputLength} bytes.",
            "output");

    [DoesNotReturn]
    internal static void ThrowPartialOverlap() =>
        throw new ArgumentException(
            "AES-CTR input and output must be the same memory or not overlap at all.", "output");

    [DoesNotReturn]
    internal static void ThrowBlockLength(string parameterName, int actual) =>
        throw new ArgumentException($"An AES block is 16 bytes, got {actual}.", parameterName);
}
