using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devp2p.Framing.Rlp;
using Devp2p.Framing.Rlpx;
using Devp2p.Framing.Snappy;
using Devp2p.Internal;

namespace Devp2p;

/// <content>Message frames: reading from the input pipe and sealing into the output pipe.</content>
public sealed partial class RlpxConnection
{
    /// <summary>No header is open: the next bytes are a frame header.</summary>
    private const int NoPendingBody = -1;

    /// <summary>Body length announced by the header opened last, or <see cref="NoPendingBody"/>. Touched by the single reader only.</summary>
    private int _pendingBodyLength = NoPendingBody;

    /// <summary>
    /// Reads the next message. Only one read may be pending at a time. The caller owns the returned
    /// <see cref="Msg"/> (its payload is decompressed into a pooled buffer) and disposes it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; the connection is unusable for reading afterwards.</param>
    /// <returns>The message with its connection-level code (not yet reduced by a protocol offset).</returns>
    /// <exception cref="FrameException">A MAC did not match, the frame is empty, or the message code is malformed.</exception>
    /// <exception cref="SnappyException">The payload does not decompress.</exception>
    /// <exception cref="InvalidDataException">The payload declares a size above <see cref="MaxMessageSize"/>.</exception>
    /// <exception cref="EndOfStreamException">The peer closed the connection.</exception>
    /// <exception cref="InvalidOperationException">The handshake has not completed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Msg> ReadMsgAsync(CancellationToken cancellationToken = default) =>
        await ReadMsgOrEndAsync(cancellationToken).ConfigureAwait(false) ?? throw new EndOfStreamException("The peer closed the connection.");

    /// <summary>
    /// <see cref="ReadMsgAsync"/>, except that a clean end of the input (the peer closed between
    /// frames) gives null instead of an exception: the end of every connection's life, which the
    /// peer's read loop meets without throwing. A close in the middle of a frame still throws.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait; the connection is unusable for reading afterwards.</param>
    /// <returns>The message, or null when the peer closed the connection between frames.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<Msg?> ReadMsgOrEndAsync(CancellationToken cancellationToken = default)
    {
        RlpxFrameCodec codec = Codec;
        Volatile.Write(ref _readStartedAt, Now());
        try
        {
            int missing = 0;
            while (true)
            {
                // After a partial frame, wake up only once the rest of it (or of the header) is
                // there: a large frame arrives in many receives, and the reader need not run for
                // each. The minimum counts bytes beyond those already examined (Pipe's rule; a
                // reader that counts all buffered bytes just returns early and is asked again),
                // and the pipe does not pause its writer while the reader waits for it.
                ReadResult result = missing > 1
                    ? await _input.ReadAtLeastAsync(missing, cancellationToken).ConfigureAwait(false)
                    : await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool complete;
                Msg msg;
                try
                {
                    complete = TryReadFrame(codec, ref buffer, out msg);
                }
                catch
                {
                    // The ingress stream is dead after a bad frame; let later reads (a lingering
                    // close draining the socket) start after what was seen.
                    _input.AdvanceTo(result.Buffer.End);
                    throw;
                }

                if (complete)
                {
                    _input.AdvanceTo(buffer.Start);
                    return msg;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (buffer.Length == 0 && _pendingBodyLength == NoPendingBody)
                    {
                        return null;
                    }

                    throw new EndOfStreamException("The peer closed the connection in the middle of a frame.");
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("The pending read was cancelled.");
                }

                // Everything buffered is examined: what the next step needs beyond it.
                int needed = _pendingBodyLength == NoPendingBody ? RlpxFrameCodec.HeaderLength : _pendingBodyLength;
                missing = needed - (int)buffer.Length;
            }
        }
        finally
        {
            Volatile.Write(ref _readStartedAt, 0);
        }
    }

    /// <summary>
    /// Reads the input until the peer closes it or <paramref name="cancellationToken"/> fires,
    /// discarding the bytes: the second half of a lingering close.
    /// </summary>
    /// <param name="cancellationToken">Bounds the wait.</param>
    /// <returns>A task that completes when the input has ended.</returns>
    internal async ValueTask DrainInputAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends one message as one frame: compresses the payload (when snappy is on) and seals it in
    /// the transport's output memory, then flushes. Safe to call from several tasks at once.
    /// </summary>
    /// <param name="code">The connection-level message code (protocol offset already added).</param>
    /// <param name="payload">The payload; read before the task completes, not kept.</param>
    /// <param name="cancellationToken">Cancels the wait for the write lock or for the flush.</param>
    /// <returns>A task that completes when the frame is in the transport.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="MaxMessageSize"/>.</exception>
    /// <exception cref="FrameException">The compressed frame exceeds the 24-bit frame size.</exception>
    /// <exception cref="IOException">The transport's output has ended.</exception>
    /// <exception cref="InvalidOperationException">The handshake has not completed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteMsgAsync(ulong code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > _maxMessageSize)
        {
            ThrowPayloadTooLarge(payload.Length);
        }

        RlpxFrameCodec codec = Codec;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SealFrame(codec, code, payload.Span);
            Volatile.Write(ref _writeStartedAt, Now());
            FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                ThrowOutputEnded();
            }
        }
        finally
        {
            Volatile.Write(ref _writeStartedAt, 0);
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Opens the next frame of <paramref name="buffer"/> if it is all there. On return
    /// <paramref name="buffer"/> starts after what was consumed: the frame, or just its header when
    /// the body has not fully arrived (the header's state is kept in <see cref="_pendingBodyLength"/>).
    /// </summary>
    private bool TryReadFrame(RlpxFrameCodec codec, ref ReadOnlySequence<byte> buffer, out Msg msg)
    {
        msg = default;
        if (_pendingBodyLength == NoPendingBody)
        {
            if (buffer.Length < RlpxFrameCodec.HeaderLength)
            {
                return false;
            }

            // 32 bytes: copying them out is cheaper than special-casing a header split across segments.
            Span<byte> header = stackalloc byte[RlpxFrameCodec.HeaderLength];
            buffer.Slice(0, RlpxFrameCodec.HeaderLength).CopyTo(header);
            codec.OpenHeader(header, out int bodyLength);
            _pendingBodyLength = bodyLength;
            buffer = buffer.Slice(RlpxFrameCodec.HeaderLength);
        }

        int length = _pendingBodyLength;
        if (buffer.Length < length)
        {
            return false;
        }

        ReadOnlySequence<byte> body = buffer.Slice(0, length);
        byte[]? rented = null;
        Span<byte> bodySpan;
        if (body.IsSingleSegment)
        {
            // The pipe's memory is ours until AdvanceTo and nobody else reads it: decrypt in place.
            bodySpan = MemoryMarshal.AsMemory(body.First).Span;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(length);
            body.CopyTo(rented);
            bodySpan = rented.AsSpan(0, length);
        }

        try
        {
            Span<byte> frameData = codec.OpenBody(bodySpan);
            _pendingBodyLength = NoPendingBody;
            ulong code = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
            ReadOnlySpan<byte> payload = frameData[payloadOffset..];
            MsgBuffer owner;
            int size;
            if (Volatile.Read(ref _snappy) && code == DisconnectCode && !LooksCompressed(payload))
            {
                // ethereumjs sends Disconnect uncompressed even on p2p v5 (a bare reason byte such
                // as 0x08); the reason is still worth reading, so take the payload as it is.
                size = payload.Length;
                owner = MsgBuffer.Copy(payload);
            }
            else if (Volatile.Read(ref _snappy))
            {
                if (!SnappyCodec.TryGetUncompressedLength(payload, out size))
                {
                    throw new SnappyException("The snappy length header is malformed or exceeds 2^32 - 1.", 0);
                }

                CheckMessageSize(size);
                byte[] decompressed = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
                try
                {
                    SnappyCodec.Decompress(payload, decompressed.AsSpan(0, size));
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(decompressed);
                    throw;
                }

                owner = MsgBuffer.Rent(decompressed, 0, size);
            }
            else
            {
                size = payload.Length;
                CheckMessageSize(size);
                if (rented is not null)
                {
                    // The decrypted body already sits in a pooled array: hand it to the message.
                    owner = MsgBuffer.Rent(rented, payloadOffset, size);
                    rented = null;
                }
                else
                {
                    owner = MsgBuffer.Copy(payload);
                }
            }

            buffer = buffer.Slice(length);
            msg = new Msg(code, owner, (uint)size, DateTime.UtcNow);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the whole sealed frame into the output pipe and advances it; the caller holds the write lock.</summary>
    private void SealFrame(RlpxFrameCodec codec, ulong code, ReadOnlySpan<byte> payload)
    {
        int codeLength = RlpCodec.GetIntegerLength(code);
        if (!Volatile.Read(ref _snappy))
        {
            int frameDataLength = RlpxFrameCodec.GetFrameDataLength(code, payload.Length);
            Span<byte> destination = _output.GetSpan(RlpxFrameCodec.GetSealedLength(frameDataLength));
            _output.Advance(codec.Seal(code, payload, destination));
            return;
        }

        // Compress straight into the frame's place in pipe memory, sized for the worst case, then
        // seal in place: the payload is copied once, by the compressor.
        int maxFrameData = codeLength + SnappyCodec.GetMaxCompressedLength(payload.Length);
        int maxSealed = RlpxFrameCodec.HeaderLength + ((maxFrameData + 15) & ~15) + RlpxFrameCodec.MacLength;
        Span<byte> frame = _output.GetSpan(maxSealed);
        Span<byte> frameData = frame[RlpxFrameCodec.FrameDataOffset..];
        RlpxFrameCodec.WriteMessageCode(code, frameData);
        int compressedLength = SnappyCodec.Compress(payload, frameData[codeLength..]);
        _output.Advance(codec.SealInPlace(codeLength + compressedLength, frame));
    }

    /// <summary>The base protocol's Disconnect code, the one message read leniently (see <see cref="LooksCompressed"/>).</summary>
    private const ulong DisconnectCode = 0x01;

    /// <summary>
    /// Whether a Disconnect payload decompresses as snappy: ours and go-ethereum's do; ethereumjs's
    /// uncompressed bare byte does not (its varint length claims bytes that are not there).
    /// </summary>
    private static bool LooksCompressed(ReadOnlySpan<byte> payload)
    {
        if (!SnappyCodec.TryGetUncompressedLength(payload, out int size) || size > 16)
        {
            return false;
        }

        Span<byte> scratch = stackalloc byte[16];
        try
        {
            SnappyCodec.Decompress(payload, scratch[..size]);
            return true;
        }
        catch (SnappyException)
        {
            return false;
        }
    }

    private void CheckMessageSize(int size)
    {
        if (size > _maxMessageSize)
        {
            throw new InvalidDataException($"The message declares {size} bytes, more than the limit of {_maxMessageSize} bytes.");
        }
    }

    private void ThrowPayloadTooLarge(int length) =>
        throw new ArgumentOutOfRangeException("payload", length, $"The payload of {length} bytes exceeds the message size limit of {_maxMessageSize} bytes.");

    private static void ThrowOutputEnded() =>
        throw new IOException("The connection's output has ended; the message was not sent.");
}
