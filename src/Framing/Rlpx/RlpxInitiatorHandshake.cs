using System.Buffers;
using System.Security.Cryptography;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// The dialing side of the RLPx handshake as a pure state machine (rlpx.md, "Initial Handshake"):
/// write the auth packet, feed the bytes that come back until the ack is complete, take the
/// <see cref="RlpxSecrets"/>. No I/O, no clocks: the caller moves the bytes and enforces the timeout.
/// </summary>
/// <remarks>
/// <para>
/// The auth is always sent in EIP-8 form with 100-199 bytes of random padding. The ack is accepted
/// in EIP-8 or legacy form (see <see cref="TryReadAck(ReadOnlySpan{byte}, out int)"/>).
/// </para>
/// <para>
/// Order: <see cref="GetAuthLength"/> and <see cref="WriteAuth"/> once, then
/// <see cref="TryReadAck(ReadOnlySpan{byte}, out int)"/> until it returns true, then
/// <see cref="TakeSecrets"/>. A call out of order throws <see cref="InvalidOperationException"/>; a
/// rejected ack throws <see cref="HandshakeException"/> and leaves the object failed. The object owns
/// its ephemeral key and nonce and zeroes them on <see cref="Dispose"/>; the static key is borrowed.
/// Not thread-safe.
/// </para>
/// </remarks>
public sealed class RlpxInitiatorHandshake : IDisposable
{
    /// <summary>The largest auth or ack packet accepted, in bytes on the wire including the EIP-8 size prefix.</summary>
    public const int MaxPacketLength = HandshakePacket.MaxPacketLength;

    private readonly PrivateKey _staticKey;
    private readonly PublicKey _remoteStaticKey;
    private readonly PrivateKey _ephemeralKey;

    /// <summary>The auth's ECIES ephemeral key, made at construction with the ephemeral key.</summary>
    private readonly PrivateKey _eciesKey;
    private readonly byte[] _nonce;
    private readonly HandshakeFormat _format;
    private readonly int _paddingLength;

    /// <summary>Fixed padding from a test, or null for random padding of <see cref="_paddingLength"/> bytes.</summary>
    private readonly byte[]? _fixedPadding;

    private HandshakePacketReader _ackReader = new(HandshakePacket.LegacyAckPacketLength);
    private HandshakeState _state;

    /// <summary>The auth packet as sent (rented; <see cref="_authPacketLength"/> bytes used), kept to seed the egress MAC.</summary>
    private byte[]? _authPacket;
    private int _authPacketLength;
    private RlpxSecrets? _secrets;

    /// <summary>Prepares a handshake with a fresh ephemeral key, nonce and padding length.</summary>
    /// <param name="staticKey">Our node key; borrowed, must stay undisposed until the handshake completes.</param>
    /// <param name="remoteStaticKey">The node ID of the peer we dial.</param>
    /// <exception cref="ArgumentNullException"><paramref name="staticKey"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="remoteStaticKey"/> is <c>default</c>.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public RlpxInitiatorHandshake(PrivateKey staticKey, in PublicKey remoteStaticKey)
        : this(staticKey, remoteStaticKey, HandshakeFormat.Eip8)
    {
    }

    /// <summary>Prepares a handshake with random values, sending the auth in <paramref name="format"/> (legacy only for interoperability tests).</summary>
    internal RlpxInitiatorHandshake(PrivateKey staticKey, in PublicKey remoteStaticKey, HandshakeFormat format)
        : this(staticKey, remoteStaticKey, PrivateKey.Generate(), HandshakePacketWriter.CreateNonce(), null, format)
    {
    }

    /// <summary>
    /// Prepares a handshake with fixed values, for vector tests. Takes ownership of
    /// <paramref name="ephemeralKey"/>; copies the nonce and padding.
    /// </summary>
    internal RlpxInitiatorHandshake(
        PrivateKey staticKey,
        in PublicKey remoteStaticKey,
        PrivateKey ephemeralKey,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> padding,
        HandshakeFormat format)
        : this(
            staticKey,
            remoteStaticKey,
            ephemeralKey,
            HandshakePacketWriter.CheckNonce(nonce),
            HandshakePacketWriter.CheckFixedPadding(padding, AuthMessage.Eip8ListLength),
            format)
    {
    }

    private RlpxInitiatorHandshake(
        PrivateKey staticKey,
        in PublicKey remoteStaticKey,
        PrivateKey ephemeralKey,
        byte[] nonce,
        byte[]? fixedPadding,
        HandshakeFormat format)
    {
        if (staticKey is null || remoteStaticKey == default)
        {
            ephemeralKey.Dispose();
            ArgumentNullException.ThrowIfNull(staticKey);
            throw new ArgumentException("default(PublicKey) is not a node ID.", nameof(remoteStaticKey));
        }

        _staticKey = staticKey;
        _remoteStaticKey = remoteStaticKey;
        _ephemeralKey = ephemeralKey;
        _eciesKey = PrivateKey.Generate();
        _nonce = nonce;
        _format = format;
        _fixedPadding = fixedPadding;
        _paddingLength = fixedPadding?.Length ?? HandshakePacketWriter.ChoosePaddingLength();
    }

    /// <summary>The remote node's static public key, as given to the constructor.</summary>
    public PublicKey RemotePublicKey => _remoteStaticKey;

    /// <summary>True once the ack has been read and the secrets derived.</summary>
    public bool IsComplete => _state == HandshakeState.Complete;

    /// <summary>The ack as decoded, for tests; null until it has been read.</summary>
    internal AckMessage? ReceivedAck { get; private set; }

    /// <summary>Our nonce, for tests.</summary>
    internal ReadOnlySpan<byte> Nonce => _nonce;

    /// <summary>The exact length of the auth packet <see cref="WriteAuth"/> writes (fixed at construction).</summary>
    /// <returns>The packet length in bytes, size prefix included.</returns>
    public int GetAuthLength() => _format == HandshakeFormat.Legacy
        ? HandshakePacket.LegacyAuthPacketLength
        : HandshakePacket.GetEip8PacketLength(AuthMessage.Eip8ListLength + _paddingLength);

    /// <summary>
    /// Signs and encrypts the auth packet to the remote static key and writes it to the start of
    /// <paramref name="destination"/>, ready to send. Call once.
    /// </summary>
    /// <param name="destination">At least <see cref="GetAuthLength"/> bytes; not kept after the call.</param>
    /// <returns>The number of bytes written, <see cref="GetAuthLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="InvalidOperationException">The auth was already written, or the object is failed or disposed.</exception>
    /// <exception cref="ObjectDisposedException">The static key was disposed.</exception>
    public int WriteAuth(Span<byte> destination)
    {
        EnsureState(HandshakeState.Initial, nameof(WriteAuth));
        int length = GetAuthLength();
        if (destination.Length < length)
        {
            HandshakeThrowHelper.ThrowDestinationTooShort(nameof(destination), length, destination.Length);
        }

        Span<byte> body = stackalloc byte[HandshakePacket.MaxBodyLength];
        Span<byte> signedMessage = stackalloc byte[HandshakePacket.NonceLength];
        Span<byte> signature = stackalloc byte[HandshakePacket.SignatureLength];
        int bodyLength = 0;
        try
        {
            HandshakeKeyDerivation.ComputeSignedMessage(_staticKey, _remoteStaticKey, _nonce, signedMessage);
            _ephemeralKey.Sign(signedMessage, signature);
            if (_format == HandshakeFormat.Legacy)
            {
                bodyLength = HandshakePacket.LegacyAuthBodyLength;
                AuthMessage.WriteLegacy(signature, _ephemeralKey.PublicKey, _staticKey.PublicKey, _nonce, body);
                HandshakePacketWriter.SealLegacy(_remoteStaticKey, _eciesKey, body[..bodyLength], destination);
            }
            else
            {
                int listLength = AuthMessage.WriteEip8(signature, _staticKey.PublicKey, _nonce, body);
                bodyLength = listLength + _paddingLength;
                HandshakePacketWriter.WritePadding(_fixedPadding, body[listLength..bodyLength]);
                HandshakePacketWriter.SealEip8(_remoteStaticKey, _eciesKey, body[..bodyLength], destination);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signedMessage);
            CryptographicOperations.ZeroMemory(body[..bodyLength]);
        }

        RecordSentAuth(destination[..length]);
        return length;
    }

    /// <summary>
    /// Feeds the bytes received so far. Returns false while the ack is incomplete (nothing is
    /// consumed: call again with the same bytes plus more); returns true once the ack is read,
    /// checked and the secrets derived, with <paramref name="consumed"/> its length. Bytes after
    /// the ack (the peer's first frame may follow at once) are not read.
    /// </summary>
    /// <param name="input">The received bytes, starting at the ack's first byte; not kept after the call.</param>
    /// <param name="consumed">The ack packet's length when the result is true; otherwise 0.</param>
    /// <returns>True when the handshake is complete.</returns>
    /// <remarks>
    /// EIP-8 and legacy acks are both accepted; the format is told from the first bytes, as
    /// <see cref="HandshakePacketReader"/> explains. An EIP-8 size prefix above
    /// <see cref="MaxPacketLength"/> is rejected before the body arrives.
    /// </remarks>
    /// <exception cref="HandshakeException">The ack is too large, does not decrypt, or its body is malformed.</exception>
    /// <exception cref="InvalidOperationException">The auth has not been written, the handshake is complete, or the object is failed or disposed.</exception>
    public bool TryReadAck(ReadOnlySpan<byte> input, out int consumed)
    {
        EnsureState(HandshakeState.AwaitingAck, nameof(TryReadAck));
        Span<byte> body = stackalloc byte[HandshakePacket.MaxBodyLength];
        int bodyLength = 0;
        try
        {
            if (!_ackReader.TryDecrypt(_staticKey, input, body, out int packetLength, out bodyLength, out HandshakeFormat format))
            {
                consumed = 0;
                return false;
            }

            AckMessage ack = AckMessage.Decode(body[..bodyLength], format);
            Complete(ack, input[..packetLength]);
            consumed = packetLength;
            return true;
        }
        catch (HandshakeException)
        {
            _state = HandshakeState.Failed;
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body[..bodyLength]);
        }
    }

    /// <summary>
    /// <see cref="TryReadAck(ReadOnlySpan{byte}, out int)"/> over a pipe's buffer, which may span
    /// segments (at most <see cref="MaxPacketLength"/> bytes are copied to the stack in that case).
    /// </summary>
    /// <param name="input">The received bytes, starting at the ack's first byte.</param>
    /// <param name="consumed">The ack packet's length when the result is true; otherwise 0.</param>
    /// <returns>True when the handshake is complete.</returns>
    /// <exception cref="HandshakeException">The ack is too large, does not decrypt, or its body is malformed.</exception>
    /// <exception cref="InvalidOperationException">The auth has not been written, the handshake is complete, or the object is failed or disposed.</exception>
    public bool TryReadAck(in ReadOnlySequence<byte> input, out int consumed)
    {
        if (input.IsSingleSegment)
        {
            return TryReadAck(input.FirstSpan, out consumed);
        }

        Span<byte> copy = stackalloc byte[MaxPacketLength];
        int length = (int)Math.Min(input.Length, MaxPacketLength);
        input.Slice(0, length).CopyTo(copy);
        return TryReadAck(copy[..length], out consumed);
    }

    /// <summary>
    /// Hands over the secrets of the completed handshake; the caller owns and disposes them. Can be
    /// called once.
    /// </summary>
    /// <returns>The connection secrets, with this side's egress and ingress MAC states.</returns>
    /// <exception cref="InvalidOperationException">The handshake is not complete, or the secrets were already taken.</exception>
    public RlpxSecrets TakeSecrets()
    {
        EnsureState(HandshakeState.Complete, nameof(TakeSecrets));
        RlpxSecrets secrets = _secrets ?? throw new InvalidOperationException("The secrets were already taken.");
        _secrets = null;
        return secrets;
    }

    /// <summary>Zeroes the ephemeral key, the nonce, the kept auth packet and untaken secrets. Idempotent.</summary>
    public void Dispose()
    {
        if (_state == HandshakeState.Disposed)
        {
            return;
        }

        _state = HandshakeState.Disposed;
        _ephemeralKey.Dispose();
        _eciesKey.Dispose();
        CryptographicOperations.ZeroMemory(_nonce);
        ReleaseAuthPacket();
        _secrets?.Dispose();
        _secrets = null;
    }

    /// <summary>
    /// Records <paramref name="packet"/> as the auth we sent, without writing one: for vector tests,
    /// which must seed the MACs with the vector's packet bytes (ECIES is randomised).
    /// </summary>
    internal void RecordSentAuth(ReadOnlySpan<byte> packet)
    {
        EnsureState(HandshakeState.Initial, nameof(RecordSentAuth));
        _authPacket = ArrayPool<byte>.Shared.Rent(packet.Length);
        packet.CopyTo(_authPacket);
        _authPacketLength = packet.Length;
        _state = HandshakeState.AwaitingAck;
    }

    private void Complete(AckMessage ack, ReadOnlySpan<byte> ackPacket)
    {
        Span<byte> ephemeralShared = stackalloc byte[HandshakeKeyDerivation.SecretLength];
        Span<byte> secrets = stackalloc byte[2 * HandshakeKeyDerivation.SecretLength];
        Keccak256 egress = default;
        Keccak256 ingress = default;
        try
        {
            _ephemeralKey.Ecdh(ack.RecipientEphemeralPublicKey, ephemeralShared);
            Span<byte> aesSecret = secrets[..HandshakeKeyDerivation.SecretLength];
            Span<byte> macSecret = secrets[HandshakeKeyDerivation.SecretLength..];
            HandshakeKeyDerivation.DeriveSecrets(ephemeralShared, _nonce, ack.Nonce, aesSecret, macSecret);

            // rlpx.md: the initiator's egress MAC starts from (mac-secret ^ recipient-nonce) || auth,
            // its ingress MAC from (mac-secret ^ initiator-nonce) || ack.
            egress = HandshakeKeyDerivation.InitializeMac(macSecret, ack.Nonce, _authPacket.AsSpan(0, _authPacketLength));
            ingress = HandshakeKeyDerivation.InitializeMac(macSecret, _nonce, ackPacket);
            _secrets = new RlpxSecrets(aesSecret, macSecret, egress, ingress, _remoteStaticKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralShared);
            CryptographicOperations.ZeroMemory(secrets);
            egress.Reset();
            ingress.Reset();
        }

        ReceivedAck = ack;
        ReleaseAuthPacket();
        _state = HandshakeState.Complete;
    }

    private void ReleaseAuthPacket()
    {
        if (_authPacket is not null)
        {
            ArrayPool<byte>.Shared.Return(_authPacket, clearArray: true);
            _authPacket = null;
            _authPacketLength = 0;
        }
    }

    private void EnsureState(HandshakeState expected, string operation)
    {
        if (_state != expected)
        {
            HandshakeThrowHelper.ThrowWrongState(operation, Describe(_state));
        }
    }

    private static string Describe(HandshakeState state) => state switch
    {
        HandshakeState.Initial => "waiting for WriteAuth",
        HandshakeState.AwaitingAck => "waiting for the ack",
        HandshakeState.Complete => "complete",
        HandshakeState.Failed => "failed (an ack was rejected)",
        _ => "disposed",
    };
}
