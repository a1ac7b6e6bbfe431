using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// Seals and opens RLPx frames for one connection (rlpx.md, "Framing" and "MAC"):
/// <c>header-ciphertext (16) || header-mac (16) || frame-ciphertext (frame data padded to 16) || frame-mac (16)</c>,
/// where the header is the 3-byte big-endian frame size, <c>rlp([0, 0])</c> and zero padding, both
/// ciphertexts come from one AES-256-CTR keystream per direction (key aes-secret, IV zero), and the
/// MACs from <see cref="RlpxSecrets.EgressMac"/>/<see cref="RlpxSecrets.IngressMac"/>.
/// </summary>
/// <remarks>
/// <para>
/// Sealing writes a whole frame into one caller-provided span in one pass (the engine passes
/// pipe memory). Opening is two steps so a bad header is rejected before waiting for its body:
/// <see cref="OpenHeader(Span{byte}, out int)"/> on the first 32 bytes, then
/// <see cref="OpenBody"/> on the rest. MACs are compared in constant time, and checked before
/// anything is decrypted. Nothing is allocated per frame.
/// </para>
/// <para>
/// The IV is all zeroes for both directions, as the spec requires; this is safe only because the
/// aes-secret is fresh for every connection (go-ethereum makes the same remark). Seal calls
/// (egress) and open calls (ingress) touch disjoint state, so one thread may seal while another
/// opens; two threads must not seal, or open, at once. After a <see cref="FrameException"/> from an
/// open call, further opens throw <see cref="InvalidOperationException"/>: the connection is dead.
/// </para>
/// </remarks>
public sealed class RlpxFrameCodec : IDisposable
{
    /// <summary>The largest frame data (msg-id and payload) a frame can carry: 2^24 - 1, the 24-bit frame-size field's maximum.</summary>
    public const int MaxFrameSize = (1 << 24) - 1;

    /// <summary>Bytes before the frame data in a sealed frame: the 16-byte header ciphertext and the 16-byte header-mac.</summary>
    public const int HeaderLength = 2 * BlockSize;

    /// <summary>Where the frame data goes in a sealed frame: write it at <c>destination[FrameDataOffset..]</c> before <see cref="SealInPlace"/>.</summary>
    public const int FrameDataOffset = HeaderLength;

    /// <summary>Length of header-mac and of frame-mac.</summary>
    public const int MacLength = BlockSize;

    private const int BlockSize = 16;
    private const int FrameSizeFieldLength = 3;
    private const int NoPendingFrame = -1;

    private readonly AesCtr _egressCipher;
    private readonly AesCtr _ingressCipher;
    private readonly IFrameMac _egressMac;
    private readonly IFrameMac _ingressMac;

    /// <summary>The frame size announced by the last opened header whose body is not yet opened, or <see cref="NoPendingFrame"/>.</summary>
    private int _pendingFrameSize = NoPendingFrame;
    private bool _ingressFailed;
    private bool _disposed;

    /// <summary>Creates the codec for a connection whose handshake produced <paramref name="secrets"/>.</summary>
    /// <param name="secrets">
    /// The handshake's result. The keys and MAC states are copied, so the secrets may be disposed
    /// once the codec exists; the codec zeroes its copies on <see cref="Dispose"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="secrets"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="secrets"/> was disposed.</exception>
    public RlpxFrameCodec(RlpxSecrets secrets)
        : this(
            (secrets ?? throw new ArgumentNullException(nameof(secrets))).AesSecret,
            new FrameMac(secrets.MacSecret, secrets.EgressMac),
            new FrameMac(secrets.MacSecret, secrets.IngressMac))
    {
    }

    /// <summary>Creates a codec with the given MACs (the frame vector's fake MAC); takes ownership of them.</summary>
    internal RlpxFrameCodec(ReadOnlySpan<byte> aesSecret, IFrameMac egressMac, IFrameMac ingressMac)
    {
        // rlpx.md: "the IV is all zeroes"; each direction has its own keystream starting at block 0.
        ReadOnlySpan<byte> zeroIv = stackalloc byte[BlockSize];
        _egressCipher = new AesCtr(aesSecret, zeroIv);
        _ingressCipher = new AesCtr(aesSecret, zeroIv);
        _egressMac = egressMac;
        _ingressMac = ingressMac;
    }

    /// <summary>rlp([0, 0]): the header-data every implementation sends (capability-id and context-id are unused).</summary>
    private static ReadOnlySpan<byte> HeaderData => [0xC2, 0x80, 0x80];

    /// <summary>The length of a sealed frame carrying <paramref name="frameDataLength"/> bytes of frame data.</summary>
    /// <param name="frameDataLength">The length of rlp(msg-id) || payload, 1 to <see cref="MaxFrameSize"/>.</param>
    /// <returns>32 + the frame data rounded up to 16 + 16.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameDataLength"/> is below 1.</exception>
    /// <exception cref="FrameException"><paramref name="frameDataLength"/> exceeds <see cref="MaxFrameSize"/> (field <c>frame-size</c>).</exception>
    public static int GetSealedLength(int frameDataLength)
    {
        CheckFrameDataLength(frameDataLength);
        return HeaderLength + PadToBlock(frameDataLength) + MacLength;
    }

    /// <summary>The frame data length of a message: the RLP length of <paramref name="code"/> plus <paramref name="payloadLength"/>.</summary>
    /// <param name="code">The message code (msg-id).</param>
    /// <param name="payloadLength">The payload length, already compressed if snappy is on.</param>
    /// <returns>The frame data length.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    /// <exception cref="FrameException">The result exceeds <see cref="MaxFrameSize"/> (field <c>frame-size</c>).</exception>
    public static int GetFrameDataLength(ulong code, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        long length = (long)RlpCodec.GetIntegerLength(code) + payloadLength;
        if (length > MaxFrameSize)
        {
            FrameThrowHelper.ThrowFrameTooLarge(length, MaxFrameSize);
        }

        return (int)length;
    }

    /// <summary>
    /// Writes rlp(<paramref name="code"/>) at the start of <paramref name="frameData"/>, for callers
    /// that build the frame data in place before <see cref="SealInPlace"/>.
    /// </summary>
    /// <param name="code">The message code.</param>
    /// <param name="frameData">Where the frame data starts: <c>destination[FrameDataOffset..]</c>.</param>
    /// <returns>The bytes written (1 to 9); the payload goes right after them.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="frameData"/> is too short.</exception>
    public static int WriteMessageCode(ulong code, Span<byte> frameData)
    {
        var writer = new RlpWriter(frameData);
        writer.WriteUInt64(code);
        return writer.BytesWritten;
    }

    /// <summary>
    /// Splits opened frame data into its message code and payload (rlpx.md: frame-data = msg-id || msg-data).
    /// </summary>
    /// <param name="frameData">What <see cref="OpenBody"/> returned.</param>
    /// <param name="payloadOffset">Where the payload starts in <paramref name="frameData"/>.</param>
    /// <returns>The message code.</returns>
    /// <exception cref="FrameException">The frame data does not start with a canonical RLP integer of at most 64 bits (field <c>msg-id</c>).</exception>
    public static ulong ReadMessageCode(ReadOnlySpan<byte> frameData, out int payloadOffset)
    {
        try
        {
            var reader = new RlpReader(frameData);
            ulong code = reader.ReadUInt64();
            payloadOffset = reader.Position;
            return code;
        }
        catch (RlpException ex)
        {
            throw FrameThrowHelper.MalformedMessageCode(ex);
        }
    }

    /// <summary>
    /// Seals the message rlp(<paramref name="code"/>) || <paramref name="payload"/> as one frame into
    /// <paramref name="destination"/>: header, header-mac, encrypted padded frame data, frame-mac.
    /// </summary>
    /// <param name="code">The message code (msg-id), already offset for its protocol.</param>
    /// <param name="payload">The message payload (compressed if snappy is on); copied, not kept. It may overlap the destination.</param>
    /// <param name="destination">Receives the frame; at least <see cref="GetSealedLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="FrameException">The frame data exceeds <see cref="MaxFrameSize"/> (field <c>frame-size</c>); nothing is written and the egress state is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ObjectDisposedException">The codec was disposed.</exception>
    public int Seal(ulong code, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int frameDataLength = GetFrameDataLength(code, payload.Length);
        int sealedLength = HeaderLength + PadToBlock(frameDataLength) + MacLength;
        if (destination.Length < sealedLength)
        {
            FrameThrowHelper.ThrowDestinationTooShort(sealedLength, destination.Length);
        }

        // Payload first: it may already sit inside the destination, before the code is written over it.
        int codeLength = RlpCodec.GetIntegerLength(code);
        payload.CopyTo(destination[(FrameDataOffset + codeLength)..]);
        WriteMessageCode(code, destination.Slice(FrameDataOffset, codeLength));
        return SealCore(frameDataLength, destination);
    }

    /// <summary>
    /// Seals a frame whose frame data (rlp(msg-id) || payload, see <see cref="WriteMessageCode"/>) the
    /// caller has already written at <c>destination[FrameDataOffset..]</c>, so a message can be
    /// encoded or compressed straight into pipe memory and encrypted where it lies.
    /// </summary>
    /// <param name="frameDataLength">The frame data length, 1 to <see cref="MaxFrameSize"/>.</param>
    /// <param name="destination">Holds the frame data at <see cref="FrameDataOffset"/>; receives the frame, at least <see cref="GetSealedLength"/> bytes.</param>
    /// <returns>The number of bytes of the sealed frame.</returns>
    /// <exception cref="FrameException"><paramref name="frameDataLength"/> exceeds <see cref="MaxFrameSize"/> (field <c>frame-size</c>); nothing is changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameDataLength"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="ObjectDisposedException">The codec was disposed.</exception>
    public int SealInPlace(int frameDataLength, Span<byte> destination)
    {
        int sealedLength = GetSealedLength(frameDataLength);
        if (destination.Length < sealedLength)
        {
            FrameThrowHelper.ThrowDestinationTooShort(sealedLength, destination.Length);
        }

        return SealCore(frameDataLength, destination);
    }

    /// <summary>
    /// Checks the header-mac of the first 32 bytes of a frame, then decrypts the header in place and
    /// returns the frame size, so a forged or oversized header is rejected before its body is awaited.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderLength"/> bytes; the first 16 are decrypted in place.</param>
    /// <param name="bodyLength">How many bytes to pass to <see cref="OpenBody"/>: the frame size rounded up to 16, plus 16.</param>
    /// <returns>The frame size: the length of the frame data <see cref="OpenBody"/> will return.</returns>
    /// <exception cref="FrameException">The header-mac does not match, or the frame size is 0 (field <c>header-mac</c> or <c>frame-size</c>).</exception>
    /// <exception cref="ArgumentException"><paramref name="header"/> is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">The previous header's body was not opened, or a frame was rejected earlier.</exception>
    /// <exception cref="ObjectDisposedException">The codec was disposed.</exception>
    public int OpenHeader(Span<byte> header, out int bodyLength) => OpenHeader(header, MaxFrameSize, out bodyLength);

    /// <summary>
    /// <see cref="OpenHeader(Span{byte}, out int)"/> with a lower size limit, so a frame larger than
    /// the caller's message limit is refused before its body is read.
    /// </summary>
    /// <param name="header">Exactly <see cref="HeaderLength"/> bytes; the first 16 are decrypted in place.</param>
    /// <param name="maxFrameSize">The largest frame size accepted, 1 to <see cref="MaxFrameSize"/>.</param>
    /// <param name="bodyLength">How many bytes to pass to <see cref="OpenBody"/>.</param>
    /// <returns>The frame size.</returns>
    /// <exception cref="FrameException">The header-mac does not match, or the frame size is 0 or above <paramref name="maxFrameSize"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="header"/> is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameSize"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The previous header's body was not opened, or a frame was rejected earlier.</exception>
    /// <exception cref="ObjectDisposedException">The codec was disposed.</exception>
    public int OpenHeader(Span<byte> header, int maxFrameSize, out int bodyLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameSize, MaxFrameSize);
        if (header.Length != HeaderLength)
        {
            FrameThrowHelper.ThrowHeaderLength(header.Length);
        }

        CheckIngressUsable();
        if (_pendingFrameSize != NoPendingFrame)
        {
            FrameThrowHelper.ThrowHeaderPending();
        }

        Span<byte> ciphertext = header[..BlockSize];
        Span<byte> expectedMac = stackalloc byte[MacLength];
        _ingressMac.UpdateHeader(ciphertext, expectedMac);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, header.Slice(BlockSize, MacLength)))
        {
            _ingressFailed = true;
            FrameThrowHelper.ThrowHeaderMacMismatch();
        }

        _ingressCipher.Transform(ciphertext);

        // header-data (rlp([capability-id, context-id])) is ignored, as go-ethereum ignores it: no
        // implementation sends anything but [0, 0] and the spec leaves its use undefined.
        int frameSize = (ciphertext[0] << 16) | (ciphertext[1] << 8) | ciphertext[2];
        if (frameSize == 0)
        {
            _ingressFailed = true;
            FrameThrowHelper.ThrowEmptyFrame();
        }

        if (frameSize > maxFrameSize)
        {
            _ingressFailed = true;
            FrameThrowHelper.ThrowFrameTooLarge(frameSize, maxFrameSize);
        }

        _pendingFrameSize = frameSize;
        bodyLength = PadToBlock(frameSize) + MacLength;
        return frameSize;
    }

    /// <summary>
    /// Checks the frame-mac of the body announced by the last <see cref="OpenHeader(Span{byte}, out int)"/>
    /// and decrypts it in place.
    /// </summary>
    /// <param name="body">Exactly the <c>bodyLength</c> bytes that followed the header: ciphertext and frame-mac.</param>
    /// <returns>The frame data, rlp(msg-id) || payload: a slice of <paramref name="body"/> (see <see cref="ReadMessageCode"/>).</returns>
    /// <exception cref="FrameException">The frame-mac does not match (field <c>frame-mac</c>); nothing is decrypted.</exception>
    /// <exception cref="ArgumentException"><paramref name="body"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">No header is pending, or a frame was rejected earlier.</exception>
    /// <exception cref="ObjectDisposedException">The codec was disposed.</exception>
    public Span<byte> OpenBody(Span<byte> body)
    {
        CheckIngressUsable();
        int frameSize = _pendingFrameSize;
        if (frameSize == NoPendingFrame)
        {
            FrameThrowHelper.ThrowNoPendingHeader();
        }

        int paddedLength = PadToBlock(frameSize);
        if (body.Length != paddedLength + MacLength)
        {
            FrameThrowHelper.ThrowBodyLength(paddedLength + MacLength, body.Length);
        }

        Span<byte> ciphertext = body[..paddedLength];
        Span<byte> expectedMac = stackalloc byte[MacLength];
        _ingressMac.UpdateBody(ciphertext, expectedMac);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, body.Slice(paddedLength, MacLength)))
        {
            _ingressFailed = true;
            FrameThrowHelper.ThrowFrameMacMismatch(frameSize);
        }

        _ingressCipher.Transform(ciphertext);
        _pendingFrameSize = NoPendingFrame;
        return body[..frameSize];
    }

    /// <summary>Zeroes the AES keys, keystreams and MAC states of both directions. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _egressCipher.Dispose();
        _ingressCipher.Dispose();
        _egressMac.Dispose();
        _ingressMac.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PadToBlock(int length) => (length + (BlockSize - 1)) & ~(BlockSize - 1);

    private static void CheckFrameDataLength(int frameDataLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameDataLength, 1);
        if (frameDataLength > MaxFrameSize)
        {
            FrameThrowHelper.ThrowFrameTooLarge(frameDataLength, MaxFrameSize);
        }
    }

    /// <summary>Encrypts and MACs the frame whose frame data is at <see cref="FrameDataOffset"/>; all checks are done.</summary>
    private int SealCore(int frameDataLength, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int paddedLength = PadToBlock(frameDataLength);

        Span<byte> header = destination[..BlockSize];
        header[0] = (byte)(frameDataLength >> 16);
        header[1] = (byte)(frameDataLength >> 8);
        header[2] = (byte)frameDataLength;
        HeaderData.CopyTo(header[FrameSizeFieldLength..]);
        header[(FrameSizeFieldLength + HeaderData.Length)..].Clear();
        _egressCipher.Transform(header);
        _egressMac.UpdateHeader(header, destination.Slice(BlockSize, MacLength));

        Span<byte> body = destination.Slice(FrameDataOffset, paddedLength);
        body[frameDataLength..].Clear();
        _egressCipher.Transform(body);
        _egressMac.UpdateBody(body, destination.Slice(FrameDataOffset + paddedLength, MacLength));
        return FrameDataOffset + paddedLength + MacLength;
    }

    private void CheckIngressUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ingressFailed)
        {
            FrameThrowHelper.ThrowIngressFailed();
        }
    }
}
