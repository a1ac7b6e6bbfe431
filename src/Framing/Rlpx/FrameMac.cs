using System.Runtime.Intrinsics;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// The RLPx frame MAC of one direction (rlpx.md, "MAC"): a running Keccak-256 over everything sent
/// in that direction, re-seeded after each header and each frame body with an AES-256 encryption
/// (keyed with mac-secret) of its own digest.
/// </summary>
/// <remarks>
/// <code>
/// header-mac-seed = aes(mac-secret, keccak.digest(mac)[:16]) ^ header-ciphertext
/// mac.update(header-mac-seed);  header-mac = keccak.digest(mac)[:16]
/// mac.update(frame-ciphertext)
/// frame-mac-seed  = aes(mac-secret, keccak.digest(mac)[:16]) ^ keccak.digest(mac)[:16]
/// mac.update(frame-mac-seed);   frame-mac  = keccak.digest(mac)[:16]
/// </code>
/// The AES step is ECB of one block, which is why the MAC cipher is a block encryptor and not the
/// frame's CTR stream. Each direction has its own cipher instance (same key) so the sealing and the
/// opening thread never share mutable state. <see cref="Dispose"/> zeroes the key and the Keccak state.
/// <para>The header step's <c>keccak.digest(mac)</c> is taken of the state the previous frame left,
/// which is exactly the state whose digest gave that frame's frame-mac: nothing is absorbed in
/// between. So the first 16 bytes of that digest are kept and reused, one Keccak permutation less
/// per frame (four per round trip of two peers).</para>
/// </remarks>
internal sealed class FrameMac : IFrameMac
{
    private const int MacLength = 16;

    private readonly AesBlockEncryptor _cipher;
    private Keccak256 _state;

    // digest(_state)[:16] when _haveDigest, i.e. when nothing was absorbed since it was taken.
    private Vector128<byte> _digest16;
    private bool _haveDigest;

    /// <summary>Starts from <paramref name="initialState"/>, the handshake's egress or ingress MAC.</summary>
    /// <param name="macSecret">The 32-byte mac-secret; copied (expanded), not kept.</param>
    /// <param name="initialState">The MAC state the handshake seeded; copied.</param>
    public FrameMac(ReadOnlySpan<byte> macSecret, in Keccak256 initialState)
    {
        _cipher = new AesBlockEncryptor(macSecret);
        _state = initialState;
    }

    /// <inheritdoc/>
    public void UpdateHeader(ReadOnlySpan<byte> headerCiphertext, Span<byte> mac)
    {
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        if (_haveDigest)
        {
            _digest16.CopyTo(digest);
        }
        else
        {
            _state.Digest(digest);
        }

        Reseed(digest[..MacLength], headerCiphertext, mac);
    }

    /// <inheritdoc/>
    public void UpdateBody(ReadOnlySpan<byte> frameCiphertext, Span<byte> mac)
    {
        _haveDigest = false;
        _state.Update(frameCiphertext);
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        _state.Digest(digest);
        Reseed(digest[..MacLength], digest[..MacLength], mac);
    }

    /// <summary>Zeroes the expanded mac-secret and the Keccak state (both derived from secrets). Idempotent.</summary>
    public void Dispose()
    {
        _cipher.Dispose();
        _state.Reset();
        _digest16 = default;
        _haveDigest = false;
    }

    /// <summary>seed = aes(digest16) ^ mask16; update(seed); mac = digest()[:16].</summary>
    private void Reseed(ReadOnlySpan<byte> digest16, ReadOnlySpan<byte> mask16, Span<byte> mac)
    {
        Span<byte> seed = stackalloc byte[MacLength];
        _cipher.EncryptBlock(digest16, seed);
        (Vector128.Create(seed) ^ Vector128.Create(mask16)).CopyTo(seed);
        _state.Update(seed);
        Span<byte> digest = stackalloc byte[Keccak256.HashSize];
        _state.Digest(digest);
        digest[..MacLength].CopyTo(mac);

        // The next header step digests this same state (see the remarks).
        _digest16 = Vector128.Create((ReadOnlySpan<byte>)digest);
        _haveDigest = true;
    }
}
