using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Devp2p.Crypto.Internal;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Devp2p.Crypto;

/// <summary>
/// Encrypts single 16-byte blocks with one AES-128 or AES-256 key (the raw block cipher, ECB of one
/// block). RLPx uses it for its MAC: AES-256 keyed with the mac-secret, applied to the first 16
/// bytes of the running Keccak-256 digest (devp2p rlpx.md, "MAC").
/// </summary>
/// <remarks>
/// The key is expanded once at construction; with AES-NI (<see cref="IsHardwareAccelerated"/>) a
/// block is 11 or 15 instructions, otherwise System.Security.Cryptography encrypts it. Neither path
/// allocates per call. Not thread-safe. Disposing zeroes the expanded key.
/// </remarks>
public sealed class AesBlockEncryptor : IDisposable
{
    private const int BlockSize = 16;

    /// <summary>System.Security.Cryptography ECB encryptor; null on the hardware path.</summary>
    private readonly AesPortableEcb? _portable;

    /// <summary>Portable path only: the input block copied in (the BCL transform takes arrays).</summary>
    private readonly byte[]? _portableInput;

    /// <summary>Portable path only: the output block before it is copied out.</summary>
    private readonly byte[]? _portableOutput;

    /// <summary>Hardware path only: the expanded key.</summary>
    private AesRoundKeys _roundKeys;

    private readonly int _rounds;
    private bool _disposed;

    /// <summary>Creates an encryptor for a 16-byte (AES-128) or 32-byte (AES-256) key.</summary>
    /// <param name="key">The AES key; copied (expanded), not kept.</param>
    /// <exception cref="ArgumentException">The key is not 16 or 32 bytes.</exception>
    public AesBlockEncryptor(ReadOnlySpan<byte> key)
        : this(key, usePortable: !AesKeySchedule.IsHardwareAccelerated)
    {
    }

    private AesBlockEncryptor(ReadOnlySpan<byte> key, bool usePortable)
    {
        if (!AesKeySchedule.IsValidKeyLength(key.Length))
        {
            AesThrowHelper.ThrowKeyLength(key.Length);
        }

        if (usePortable)
        {
            _portable = new AesPortableEcb(key);
            _portableInput = new byte[BlockSize];
            _portableOutput = new byte[BlockSize];
        }
        else
        {
            _rounds = AesKeySchedule.Expand(key, ref _roundKeys);
        }
    }

    /// <summary>True when this process uses AES-NI; false means System.Security.Cryptography encrypts each block.</summary>
    public static bool IsHardwareAccelerated => AesKeySchedule.IsHardwareAccelerated;

    /// <summary>Creates an instance on the System.Security.Cryptography path even when AES-NI is available (tests, benchmarks).</summary>
    internal static AesBlockEncryptor CreatePortable(ReadOnlySpan<byte> key) => new(key, usePortable: true);

    /// <summary>True when this instance runs on the portable path.</summary>
    internal bool IsPortable => _portable is not null;

    /// <summary>
    /// Writes AES(key, <paramref name="input16"/>) to <paramref name="output16"/>. The spans may be
    /// the same or overlapping memory: the whole input is read before any output is written.
    /// </summary>
    /// <param name="input16">The 16-byte plaintext block.</param>
    /// <param name="output16">Receives the 16-byte ciphertext block.</param>
    /// <exception cref="ArgumentException">Either span is not 16 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    public void EncryptBlock(ReadOnlySpan<byte> input16, Span<byte> output16)
    {
        if (input16.Length != BlockSize)
        {
            AesThrowHelper.ThrowBlockLength(nameof(input16), input16.Length);
        }

        if (output16.Length != BlockSize)
        {
            AesThrowHelper.ThrowBlockLength(nameof(output16), output16.Length);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);

        if (_portable is not null)
        {
            EncryptPortable(input16, output16);
            return;
        }

        // Rounds are serially dependent, so this is latency-bound; a loop costs nothing extra.
        ref Vector128<byte> keys = ref MemoryMarshal.GetReference((Span<Vector128<byte>>)_roundKeys);
        Vector128<byte> state = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(input16)) ^ keys;
        int rounds = _rounds;
        for (int round = 1; round < rounds; round++)
        {
            state = AesNi.Encrypt(state, Unsafe.Add(ref keys, round));
        }

        AesNi.EncryptLast(state, Unsafe.Add(ref keys, rounds)).StoreUnsafe(ref MemoryMarshal.GetReference(output16));
    }

    /// <summary>Zeroes the expanded key and releases the portable cipher. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)_roundKeys));
        if (_portableInput is not null)
        {
            CryptographicOperations.ZeroMemory(_portableInput);
            CryptographicOperations.ZeroMemory(_portableOutput);
        }

        _portable?.Dispose();
    }

    private void EncryptPortable(ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] source = _portableInput!;
        byte[] destination = _portableOutput!;
        input.CopyTo(source);
        _portable!.EncryptBlocks(source, destination, BlockSize);
        destination.CopyTo(output);
    }
}
