using System.Diagnostics;
using System.Security.Cryptography;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// AES-ECB block encryption through System.Security.Cryptography, for CPUs without AES-NI.
/// </summary>
/// <remarks>
/// Uses one long-lived <see cref="ICryptoTransform"/> over caller-owned arrays rather than
/// <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/>: the
/// one-shot API builds a native cipher context on every call (measured on .NET 10 / Linux: about
/// 66 allocated bytes and over a microsecond per call), while <see cref="ICryptoTransform.TransformBlock"/>
/// on a reused ECB encryptor allocates nothing. ECB with no padding keeps no state between
/// blocks, so reusing the transform is exact.
/// </remarks>
internal sealed class AesPortableEcb : IDisposable
{
    private const int BlockSize = 16;

    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;

    /// <summary>Creates the encryptor for a 16- or 32-byte key (already validated).</summary>
    internal AesPortableEcb(ReadOnlySpan<byte> key)
    {
        Debug.Assert(AesKeySchedule.IsValidKeyLength(key.Length), "The caller validates the key length.");
        _aes = Aes.Create();
        _aes.SetKey(key);
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>
    /// Encrypts the first <paramref name="length"/> bytes (a multiple of 16) of
    /// <paramref name="source"/> into <paramref name="destination"/>; the arrays must be distinct.
    /// </summary>
    internal void EncryptBlocks(byte[] source, byte[] destination, int length)
    {
        Debug.Assert(length % BlockSize == 0 && length <= source.Length && length <= destination.Length, "Whole blocks that fit.");
        Debug.Assert(!ReferenceEquals(source, destination), "TransformBlock is not documented to work in place.");
        int written = _encryptor.TransformBlock(source, 0, length, destination, 0);
        Debug.Assert(written == length, "ECB without padding writes exactly what it reads.");
    }

    /// <summary>Releases the native cipher context and the key copies the BCL holds.</summary>
    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
    }
}
