using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;

namespace Devp2p.Bench.Framing;

/// <summary>
/// RLPx frame sealing and opening between two codecs made from a real handshake, next to its two
/// ingredients measured alone on the same sizes: Keccak-256 absorption (the MACs) and AES-256-CTR
/// (the encryption). One <see cref="SealAndOpen"/> op seals one frame of <see cref="Size"/> bytes of
/// frame data and opens it on the other side, so it passes the data through AES twice and Keccak
/// twice; its floor is 2 x (<see cref="KeccakUpdate"/> + <see cref="AesCtrTransform"/>), i.e. a
/// frame rate limit of 1 / (1/AES + 1/Keccak) bytes/s per direction.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*FrameCodec*'</c>.
/// </summary>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private const ulong MessageCode = 0x10;

    private RlpxFrameCodec _sender = null!;
    private RlpxFrameCodec _receiver = null!;
    private byte[] _payload = [];
    private byte[] _frame = [];
    private byte[] _data = [];
    private Keccak256 _keccak;
    private AesCtr _aes = null!;

    /// <summary>Frame data bytes per op (message code and payload); both are multiples of 16, so no padding.</summary>
    [Params(1024, 64 * 1024)]
    public int Size { get; set; }

    /// <summary>Runs a handshake for the secrets, builds both codecs and checks one frame round-trips.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using PrivateKey initiatorKey = PrivateKey.Generate();
        using PrivateKey recipientKey = PrivateKey.Generate();
        using var initiator = new RlpxInitiatorHandshake(initiatorKey, recipientKey.PublicKey);
        using var recipient = new RlpxRecipientHandshake(recipientKey);
        byte[] auth = new byte[initiator.GetAuthLength()];
        initiator.WriteAuth(auth);
        Check(recipient.TryReadAuth(auth, out _), "auth not accepted");
        byte[] ack = new byte[recipient.GetAckLength()];
        recipient.WriteAck(ack);
        Check(initiator.TryReadAck(ack, out _), "ack not accepted");
        using (RlpxSecrets initiatorSecrets = initiator.TakeSecrets())
        using (RlpxSecrets recipientSecrets = recipient.TakeSecrets())
        {
            _sender = new RlpxFrameCodec(initiatorSecrets);
            _receiver = new RlpxFrameCodec(recipientSecrets);
            _aes = new AesCtr(initiatorSecrets.AesSecret, new byte[16]);
        }

        // The message code takes one byte, so the frame data is exactly Size bytes.
        _payload = new byte[Size - 1];
        RandomNumberGenerator.Fill(_payload);
        _frame = new byte[RlpxFrameCodec.GetSealedLength(Size)];
        _data = new byte[Size];
        RandomNumberGenerator.Fill(_data);

        int written = _sender.Seal(MessageCode, _payload, _frame);
        Check(written == RlpxFrameCodec.HeaderLength + Size + RlpxFrameCodec.MacLength, "sealed length");
        int frameSize = _receiver.OpenHeader(_frame.AsSpan(0, RlpxFrameCodec.HeaderLength), out int bodyLength);
        Span<byte> frameData = _receiver.OpenBody(_frame.AsSpan(RlpxFrameCodec.HeaderLength, bodyLength));
        Check(frameSize == Size, "frame size");
        Check(RlpxFrameCodec.ReadMessageCode(frameData, out int offset) == MessageCode, "message code");
        Check(frameData[offset..].SequenceEqual(_payload), "payload did not round-trip");
    }

    /// <summary>Zeroes the keys.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _aes.Dispose();
    }

    /// <summary>Seal one frame of <see cref="Size"/> bytes of frame data, then open it on the other side.</summary>
    [Benchmark]
    public int SealAndOpen()
    {
        int written = _sender.Seal(MessageCode, _payload, _frame);
        Span<byte> frame = _frame.AsSpan(0, written);
        _receiver.OpenHeader(frame[..RlpxFrameCodec.HeaderLength], out int bodyLength);
        return _receiver.OpenBody(frame.Slice(RlpxFrameCodec.HeaderLength, bodyLength)).Length;
    }

    /// <summary>Absorb <see cref="Size"/> bytes into a running Keccak-256 state (one MAC pass over a frame body).</summary>
    [Benchmark]
    public void KeccakUpdate() => _keccak.Update(_data);

    /// <summary>AES-256-CTR over <see cref="Size"/> bytes in place (one encryption pass over a frame body).</summary>
    [Benchmark]
    public void AesCtrTransform() => _aes.Transform(_data);

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("FrameCodecBenchmarks setup check failed: " + what);
        }
    }
}
