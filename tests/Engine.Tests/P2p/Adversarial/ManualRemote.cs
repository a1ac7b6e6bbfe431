using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;
using Devp2p.Framing.Rlpx;
using Devp2p.Framing.Snappy;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>
/// A test-only remote node that speaks RLPx by hand over a raw transport: it runs the handshake
/// with the Framing state machines, keeps its own <see cref="RlpxFrameCodec"/>, seals frames into
/// byte arrays (which a test may corrupt before <see cref="WriteRawAsync"/>), and opens the frames
/// the engine sends. Nothing of the engine's RlpxConnection or Peer is used on this side.
/// </summary>
/// <remarks>Single reader and single writer: a test drives it from one task per direction.</remarks>
internal sealed class ManualRemote : IAsyncDisposable
{
    private const int NoPendingBody = -1;

    private readonly TransportConnection _transport;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly List<RemoteFrame> _received = [];
    private RlpxFrameCodec? _codec;
    private int _pendingBodyLength = NoPendingBody;
    private int _disposed;

    /// <summary>Wraps our end of a fresh transport; <paramref name="key"/> is borrowed (the test disposes it).</summary>
    public ManualRemote(TransportConnection transport, PrivateKey key)
    {
        _transport = transport;
        _input = transport.Transport.Input;
        _output = transport.Transport.Output;
        Key = key;
    }

    /// <summary>Our node key.</summary>
    public PrivateKey Key { get; }

    /// <summary>Whether payloads are snappy-compressed in both directions (set after a v5 Hello exchange).</summary>
    public bool Snappy { get; set; }

    /// <summary>The Hello the engine sent, once <see cref="ExchangeHelloAsync"/> or <see cref="ReadHelloAsync"/> ran.</summary>
    public Hello? EngineHello { get; private set; }

    /// <summary>Every frame opened so far, in order.</summary>
    public IReadOnlyList<RemoteFrame> Received => _received;

    /// <summary>Whether the input ended with a clean end-of-stream (true) or a reset/abort (false); null while it has not ended.</summary>
    public bool? EndedCleanly { get; private set; }

    /// <summary>The codec, after the handshake.</summary>
    public RlpxFrameCodec Codec => _codec ?? throw new InvalidOperationException("The manual RLPx handshake has not run.");

    /// <summary>Raw bytes for the engine, as they are (no framing).</summary>
    /// <returns>False when the engine has stopped reading (its input is completed).</returns>
    public async Task<bool> WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            FlushResult result = await _output.WriteAsync(bytes, ct);
            return !result.IsCompleted;
        }
        catch (InvalidOperationException)
        {
            // Our output was already completed by the test.
            return false;
        }
    }

    /// <summary>Ends our output (the engine reads end-of-stream); reading keeps working.</summary>
    public Task CompleteOutputAsync() => _output.CompleteAsync().AsTask();

    /// <summary>Runs the initiator side: sends an EIP-8 auth to <paramref name="recipient"/>, reads the ack.</summary>
    public async Task InitiateAsync(PublicKey recipient, CancellationToken ct)
    {
        using var handshake = new RlpxInitiatorHandshake(Key, recipient);
        byte[] auth = new byte[handshake.GetAuthLength()];
        int written = handshake.WriteAuth(auth);
        Assert.True(await WriteRawAsync(auth.AsMemory(0, written), ct), "The engine closed before the auth was sent.");
        while (true)
        {
            ReadResult result = await _input.ReadAsync(ct);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (handshake.TryReadAck(buffer, out int consumed))
            {
                _input.AdvanceTo(buffer.GetPosition(consumed));
                break;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The engine closed before its ack was complete.");
            }
        }

        using RlpxSecrets secrets = handshake.TakeSecrets();
        _codec = new RlpxFrameCodec(secrets);
    }

    /// <summary>Runs the recipient side: reads the engine's auth, sends the ack.</summary>
    /// <returns>The engine's node key, learned from the auth.</returns>
    public async Task<PublicKey> RespondAsync(CancellationToken ct)
    {
        using var handshake = new RlpxRecipientHandshake(Key);
        while (true)
        {
            ReadResult result = await _input.ReadAsync(ct);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (handshake.TryReadAuth(buffer, out int consumed))
            {
                _input.AdvanceTo(buffer.GetPosition(consumed));
                break;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The engine closed before its auth was complete.");
            }
        }

        byte[] ack = new byte[handshake.GetAckLength()];
        int written = handshake.WriteAck(ack);
        Assert.True(await WriteRawAsync(ack.AsMemory(0, written), ct), "The engine closed before the ack was sent.");
        using RlpxSecrets secrets = handshake.TakeSecrets();
        _codec = new RlpxFrameCodec(secrets);
        return secrets.RemotePublicKey;
    }

    /// <summary>Seals one message as a frame: the payload is compressed first when <see cref="Snappy"/> is on.</summary>
    public byte[] Seal(ulong code, ReadOnlySpan<byte> payload) => SealRaw(code, Snappy ? Compress(payload) : payload);

    /// <summary>Seals <paramref name="wirePayload"/> as it is (never compressed): for hand-made snappy blocks.</summary>
    public byte[] SealRaw(ulong code, ReadOnlySpan<byte> wirePayload)
    {
        int sealedLength = RlpxFrameCodec.GetSealedLength(RlpxFrameCodec.GetFrameDataLength(code, wirePayload.Length));
        byte[] frame = new byte[sealedLength];
        int written = Codec.Seal(code, wirePayload, frame);
        Assert.Equal(sealedLength, written);
        return frame;
    }

    /// <summary>Seals and writes one message.</summary>
    public Task<bool> SendAsync(ulong code, ReadOnlySpan<byte> payload, CancellationToken ct) => WriteRawAsync(Seal(code, payload), ct);

    /// <summary>Sends a Hello; <paramref name="nodeId"/> defaults to our key.</summary>
    public Task<bool> SendHelloAsync(ulong version, IEnumerable<Cap> caps, CancellationToken ct, PublicKey? nodeId = null, string name = "manual-remote")
    {
        var hello = new Hello(version, name, caps.ToImmutableArray(), 0, nodeId ?? Key.PublicKey);
        return SendAsync(BaseProtocol.HelloCode, RlpCodec.EncodeToArray(hello), ct);
    }

    /// <summary>Reads the engine's Hello (the first frame after the handshake).</summary>
    public async Task<Hello> ReadHelloAsync(CancellationToken ct)
    {
        RemoteFrame frame = await ReadFrameAsync(ct) ?? throw new EndOfStreamException("The engine closed before sending Hello.");
        Assert.Equal(BaseProtocol.HelloCode, frame.Code);
        Hello hello = Hello.DecodeMessage(frame.Payload);
        EngineHello = hello;
        return hello;
    }

    /// <summary>
    /// Sends our Hello and reads the engine's, then turns snappy on when both sides are at v5+
    /// (rlpx.md: compression applies to every message after Hello).
    /// </summary>
    public async Task<Hello> ExchangeHelloAsync(ulong version, IEnumerable<Cap> caps, CancellationToken ct)
    {
        Assert.True(await SendHelloAsync(version, caps, ct), "The engine closed before our Hello was sent.");
        Hello hello = await ReadHelloAsync(ct);
        Snappy = version >= BaseProtocol.SnappyVersion && hello.ProtocolVersion >= BaseProtocol.SnappyVersion;
        return hello;
    }

    /// <summary>
    /// Reads and opens the next frame; returns null when the input ends (see <see cref="EndedCleanly"/>).
    /// A frame that fails to open fails the test: the engine must always send valid frames.
    /// </summary>
    public async Task<RemoteFrame?> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(ct);
            }
            catch (IOException)
            {
                // A reset (the engine aborted) or our own abort.
                EndedCleanly = false;
                return null;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            RemoteFrame? frame = TryOpenFrame(ref buffer);
            if (frame is not null)
            {
                _input.AdvanceTo(buffer.Start);
                _received.Add(frame);
                return frame;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                EndedCleanly = true;
                return null;
            }
        }
    }

    /// <summary>
    /// Reads frames until a Disconnect, skipping anything else (Ping, Pong, protocol messages, which
    /// stay in <see cref="Received"/>), and returns its decoded reason. Fails if the input ends first.
    /// </summary>
    public async Task<DiscReason> ExpectDisconnectAsync(CancellationToken ct)
    {
        while (true)
        {
            RemoteFrame? frame = await ReadFrameAsync(ct);
            if (frame is null)
            {
                Assert.Fail($"The engine closed the connection (cleanly: {EndedCleanly}) without sending Disconnect; frames seen: {string.Join("; ", _received)}.");
            }

            if (frame.Code == BaseProtocol.DisconnectCode)
            {
                return DisconnectMessage.Decode(frame.Payload);
            }
        }
    }

    /// <summary>Reads (and keeps) frames until the input ends; returns the frames read by this call.</summary>
    public async Task<List<RemoteFrame>> ReadUntilEndAsync(CancellationToken ct)
    {
        var frames = new List<RemoteFrame>();
        while (await ReadFrameAsync(ct) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Waits until the engine ends its output, discarding raw bytes (for before the handshake).</summary>
    /// <returns>True for a clean end-of-stream, false for a reset.</returns>
    public async Task<bool> DrainRawUntilEndAsync(CancellationToken ct)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(ct);
            }
            catch (IOException)
            {
                return false;
            }

            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return true;
            }
        }
    }

    /// <summary>Flips one bit of <paramref name="frame"/> at <paramref name="offset"/> (negative counts from the end).</summary>
    public static byte[] Corrupt(byte[] frame, int offset)
    {
        byte[] copy = (byte[])frame.Clone();
        copy[offset >= 0 ? offset : copy.Length + offset] ^= 0x01;
        return copy;
    }

    /// <summary>A snappy block for <paramref name="payload"/>.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> payload)
    {
        byte[] buffer = new byte[SnappyCodec.GetMaxCompressedLength(payload.Length)];
        int length = SnappyCodec.Compress(payload, buffer);
        return buffer[..length];
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _transport.DisposeAsync();
        _codec?.Dispose();
    }

    private RemoteFrame? TryOpenFrame(ref ReadOnlySequence<byte> buffer)
    {
        if (_pendingBodyLength == NoPendingBody)
        {
            if (buffer.Length < RlpxFrameCodec.HeaderLength)
            {
                return null;
            }

            byte[] header = buffer.Slice(0, RlpxFrameCodec.HeaderLength).ToArray();
            Codec.OpenHeader(header, out int bodyLength);
            _pendingBodyLength = bodyLength;
            buffer = buffer.Slice(RlpxFrameCodec.HeaderLength);
        }

        if (buffer.Length < _pendingBodyLength)
        {
            return null;
        }

        byte[] body = buffer.Slice(0, _pendingBodyLength).ToArray();
        buffer = buffer.Slice(_pendingBodyLength);
        _pendingBodyLength = NoPendingBody;
        Span<byte> frameData = Codec.OpenBody(body);
        ulong code = RlpxFrameCodec.ReadMessageCode(frameData, out int payloadOffset);
        byte[] wire = frameData[payloadOffset..].ToArray();
        byte[] payload = wire;
        if (Snappy)
        {
            Assert.True(SnappyCodec.TryGetUncompressedLength(wire, out int length), $"The engine sent a bad snappy preamble in frame code {code}.");
            payload = new byte[length];
            SnappyCodec.Decompress(wire, payload);
        }

        return new RemoteFrame(code, payload, wire);
    }
}
