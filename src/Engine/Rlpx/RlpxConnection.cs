using System.Diagnostics;
using System.IO.Pipelines;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;

namespace Devp2p;

/// <summary>
/// An RLPx connection over any <see cref="TransportConnection"/>: the ECIES handshake as initiator
/// or recipient, then messages as encrypted, MAC'd frames (go-ethereum's <c>p2p/rlpx.Conn</c>).
/// Frames are sealed straight into the transport's <see cref="PipeWriter"/> memory and opened in
/// the <see cref="PipeReader"/>'s memory when they lie in one segment.
/// </summary>
/// <remarks>
/// <para>
/// Use: one of <see cref="HandshakeAsync"/>, then <see cref="ReadMsgAsync"/> from one task at a
/// time and <see cref="WriteMsgAsync"/> from any number of tasks (writes are serialized; a frame
/// is never interleaved with another). <see cref="EnableSnappy"/> after the Hello exchange when
/// both sides speak p2p version 5 or later.
/// </para>
/// <para>
/// Errors: a frame that fails its MAC, is oversized, or does not decompress throws
/// <see cref="FrameException"/> or <see cref="Framing.Snappy.SnappyException"/> from
/// <see cref="ReadMsgAsync"/>, after which the ingress direction is dead (the egress still works, so
/// a Disconnect can be sent). The end of the input throws <see cref="EndOfStreamException"/>.
/// </para>
/// </remarks>
public sealed partial class RlpxConnection : IAsyncDisposable
{
    /// <summary>The largest message payload, after decompression: 2^24 - 1 bytes (go-ethereum's maxUint24).</summary>
    public const int DefaultMaxMessageSize = (1 << 24) - 1;

    /// <summary>How long the handshake may take by default: go-ethereum's <c>handshakeTimeout</c>.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly TransportConnection _transport;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly int _maxMessageSize;
    private RlpxFrameCodec? _codec;
    private PublicKey _remotePublicKey;
    private bool _snappy;
    private int _disposed;

    /// <summary>Stopwatch timestamp when the pending frame read began; 0 when no read is pending.</summary>
    private long _readStartedAt;

    /// <summary>Stopwatch timestamp when the pending write's flush began; 0 when no write is in flight.</summary>
    private long _writeStartedAt;

    /// <summary>Wraps <paramref name="transport"/>; the connection owns it from now on and closes it.</summary>
    /// <param name="transport">A freshly established transport connection; nothing must have been read or written.</param>
    /// <param name="maxMessageSize">The largest payload accepted and sent, after decompression: 1 to <see cref="DefaultMaxMessageSize"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessageSize"/> is out of range.</exception>
    public RlpxConnection(TransportConnection transport, int maxMessageSize = DefaultMaxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessageSize, DefaultMaxMessageSize);
        _transport = transport;
        _input = transport.Transport.Input;
        _output = transport.Transport.Output;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The transport underneath.</summary>
    public TransportConnection Transport => _transport;

    /// <summary>The remote node's public key (its identity), known after the handshake.</summary>
    /// <exception cref="InvalidOperationException">The handshake has not completed.</exception>
    public PublicKey RemotePublicKey => _codec is null
        ? throw new InvalidOperationException("The RLPx handshake has not completed.")
        : _remotePublicKey;

    /// <summary>Whether payloads are snappy-compressed in both directions.</summary>
    public bool IsSnappyEnabled => Volatile.Read(ref _snappy);

    /// <summary>The largest payload accepted and sent, after decompression.</summary>
    public int MaxMessageSize => _maxMessageSize;

    /// <summary>
    /// When the pending frame read began (a <see cref="Stopwatch"/> timestamp), or 0 when no read is
    /// waiting: a read timeout watchdog compares it with the clock.
    /// </summary>
    internal long ReadStartedAt => Volatile.Read(ref _readStartedAt);

    /// <summary>When the write in flight began to flush (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    internal long WriteStartedAt => Volatile.Read(ref _writeStartedAt);

    /// <summary>
    /// Compresses every later payload with snappy and expects compressed payloads from the peer
    /// (rlpx.md: from p2p version 5, every message after Hello). Call it after the Hello exchange,
    /// before any other message is read or written.
    /// </summary>
    public void EnableSnappy() => Volatile.Write(ref _snappy, true);

    /// <summary>
    /// Ends the connection at once (no Disconnect is sent): pending reads and writes fail.
    /// </summary>
    /// <param name="reason">Surfaced to a pending read.</param>
    public void Abort(Exception? reason = null) => _transport.Abort(reason);

    /// <summary>
    /// Ends the output gracefully: written frames are flushed, then the peer sees end-of-stream,
    /// while reads keep working until the peer closes its side (a lingering close, so the peer reads
    /// our last frame instead of a reset).
    /// </summary>
    /// <param name="cancellationToken">Bounds the wait for the write lock.</param>
    /// <returns>A task that completes when the output is completed.</returns>
    public async ValueTask CompleteOutputAsync(CancellationToken cancellationToken = default)
    {
        bool locked = false;
        try
        {
            locked = await _writeLock.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A writer is stuck on a peer that does not read: complete the output under it.
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (locked)
            {
                _writeLock.Release();
            }
        }
    }

    /// <summary>Closes the transport gracefully (bounded by <see cref="TransportConnection.DefaultCloseTimeout"/>) and zeroes the frame keys.</summary>
    /// <returns>A task that completes when the transport is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _transport.DisposeAsync().ConfigureAwait(false);

        // The transport loops have stopped, but a reader or writer of ours may still be unwinding:
        // take the write lock so no seal runs while the codec zeroes its keys.
        await _writeLock.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        _codec?.Dispose();
    }

    private RlpxFrameCodec Codec => _codec ?? throw new InvalidOperationException("The RLPx handshake has not completed.");

    private static long Now() => Stopwatch.GetTimestamp();
}
