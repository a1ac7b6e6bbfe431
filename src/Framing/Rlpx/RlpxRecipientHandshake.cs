using System.Buffers;
using System.Security.Cryptography;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// The listening side of the RLPx handshake as a pure state machine (rlpx.md, "Initial
/// Handshake"): feed the bytes a new connection sends until the auth is complete (this decrypts
/// it and learns the remote node ID), write the ack, take the <see cref="RlpxSecrets"/> (this
/// checks the auth's signature). No I/O, no clocks: the caller moves the bytes and enforces the timeout.
/// </summary>
/// <remarks>
/// <para>
/// The auth is accepted in EIP-8 or legacy form. The ack is answered in the auth's format: EIP-8
/// with 100-199 bytes of random padding, or the fixed 210-byte legacy form to a legacy auth, as
/// go-ethereum before v1.10 and ethereumjs do, since a legacy-only initiator cannot read EIP-8.
/// </para>
/// <para>
/// Order: <see cref="TryReadAuth(ReadOnlySpan{byte}, out int)"/> until it returns true, then
/// <see cref="GetAckLength"/> and <see cref="WriteAck"/>, then <see cref="TakeSecrets"/>. A call
/// out of order throws <see cref="InvalidOperationException"/>; a rejected auth throws
/// <see cref="HandshakeException"/> (from <see cref="TryReadAuth(ReadOnlySpan{byte}, out int)"/>,
/// or from <see cref="TakeSecrets"/> for its signature) and leaves the object failed. The object owns its ephemeral key
/// and nonce and zeroes them on <see cref="Dispose"/>; the static key is borrowed. Not thread-safe.
/// </para>
/// <para>
/// Latency: between the auth arriving and the ack leaving, only the two ECIES key agreements run
/// (decrypting the auth, encrypting the ack), as the ack depends on nothing else. The key the ack's
/// ECIES encryption uses is made at construction, while the connection waits for the auth. The
/// signature's recovery (a static-key agreement and a public-key recovery) and the ephemeral-key
/// agreement wait for <see cref="TakeSecrets"/>: a caller that sends the ack before taking the
/// secrets overlaps that work with the initiator reading the ack. The ack goes out before the
/// signature is checked, which tells the sender nothing it could not learn from any auth it
/// encrypts to us: like go-ethereum's, the handshake authenticates the initiator only when its
/// first frame's MAC checks, and a bad signature still fails the handshake before any frame.
/// </para>
/// </remarks>
public sealed class RlpxRecipientHandshake : IDisposable
{
    /// <summary>The largest auth or ack packet accepted, in bytes on the wire including the EIP-8 size prefix.</summary>
    public const int MaxPacketLength = HandshakePacket.MaxPacketLength;

    private const int SecretLength = HandshakeKeyDerivation.SecretLength;

    private readonly PrivateKey _staticKey;
    private readonly PrivateKey _ephemeralKey;

    /// <summary>The ack's ECIES ephemeral key, made ahead (see the remarks).</summary>
    private readonly PrivateKey _eciesKey;
    private readonly byte[] _nonce;
    private readonly int _paddingLength;

    /// <summary>Fixed padding from a test, or null for random padding of <see cref="_paddingLength"/> bytes.</summary>
    private readonly byte[]? _fixedPadding;

    private HandshakePacketReader _authReader = new(HandshakePacket.LegacyAuthPacketLength);
    private HandshakeState _state;
    private AuthMessage? _auth;
    private PublicKey _remoteStaticKey;

    /// <summary>
    /// The auth packet as received, then the ack packet as sent, back to back (rented): both seed
    /// the MACs in <see cref="TakeSecrets"/>.
    /// </summary>
    private byte[]? _packets;
    private int _authPacketLength;
    private int _ackPacketLength;
    private bool _secretsTaken;

    /// <summary>Prepares a handshake with a fresh ephemeral key, nonce and padding length.</summary>
    /// <param name="staticKey">Our node key; borrowed, must stay undisposed until the handshake completes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="staticKey"/> is null.</exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public RlpxRecipientHandshake(PrivateKey staticKey)
        : this(staticKey ?? throw new ArgumentNullException(nameof(staticKey)), PrivateKey.Generate(), HandshakePacketWriter.CreateNonce(), null)
    {
    }

    /// <summary>
    /// Prepares a handshake with fixed values, for vector tests. Takes ownership of
    /// <paramref name="ephemeralKey"/>; copies the nonce and padding.
    /// </summary>
    internal RlpxRecipientHandshake(PrivateKey staticKey, PrivateKey ephemeralKey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> padding)
        : this(
            staticKey,
            ephemeralKey,
            HandshakePacketWriter.CheckNonce(nonce),
            HandshakePacketWriter.CheckFixedPadding(padding, AckMessage.Eip8ListLength))
    {
    }

    private RlpxRecipientHandshake(PrivateKey staticKey, PrivateKey ephemeralKey, byte[] nonce, byte[]? fixedPadding)
    {
        _staticKey = staticKey;
        _ephemeralKey = ephemeralKey;
        _eciesKey = PrivateKey.Generate();
        _nonce = nonce;
        _fixedPadding = fixedPadding;
        _paddingLength = fixedPadding?.Length ?? HandshakePacketWriter.ChoosePaddingLength();
    }

    /// <summary>The remote node's static public key (its node ID), learned from the auth.</summary>
    /// <exception cref="InvalidOperationException">The auth has not been read yet.</exception>
    public PublicKey RemotePublicKey
    {
        get
        {
            if (_auth is null)
            {
                HandshakeThrowHelper.ThrowWrongState(nameof(RemotePublicKey), "still waiting for the auth");
            }

            return _remoteStaticKey;
        }
    }

    /// <summary>True once the ack has been written: <see cref="TakeSecrets"/> may be called.</summary>
    public bool IsComplete => _state == HandshakeState.Complete;

    /// <summary>The auth as decoded, for tests; null until it has been read.</summary>
    internal AuthMessage? ReceivedAuth => _auth;

    /// <summary>Our nonce, for tests.</summary>
    internal ReadOnlySpan<byte> Nonce => _nonce;

    /// <summary>
    /// Feeds the bytes received so far. Returns false while the auth is incomplete (nothing is
    /// consumed: call again with the same bytes plus more); returns true once the auth is read and
    /// decoded, with <paramref name="consumed"/> its length (its signature is checked by <see cref="TakeSecrets"/>).
    /// </summary>
    /// <param name="input">The received bytes, starting at the connection's first byte; not kept after the call.</param>
    /// <param name="consumed">The auth packet's length when the result is true; otherwise 0.</param>
    /// <returns>True when the auth has been accepted and <see cref="WriteAck"/> may be called.</returns>
    /// <remarks>
    /// EIP-8 and legacy auths are both accepted; the format is told from the first bytes (a legacy
    /// packet starts with 0x04, an EIP-8 one with its size), trying legacy decryption first only in
    /// the rare case where the bytes fit both. An EIP-8 size prefix above
    /// <see cref="MaxPacketLength"/> is rejected before the body arrives.
    /// </remarks>
    /// <exception cref="HandshakeException">
    /// The auth is too large, does not decrypt with our key, its body is malformed, or the initiator
    /// key is not a curve point.
    /// </exception>
    /// <exception cref="InvalidOperationException">The auth was already read, or the object is failed or disposed.</exception>
    public bool TryReadAuth(ReadOnlySpan<byte> input, out int consumed)
    {
        EnsureState(HandshakeState.Initial, nameof(TryReadAuth));
        Span<byte> body = stackalloc byte[HandshakePacket.MaxBodyLength];
        int bodyLength = 0;
        try
        {
            if (!_authReader.TryDecrypt(_staticKey, input, body, out int packetLength, out bodyLength, out HandshakeFormat format))
            {
                consumed = 0;
                return false;
            }

            AuthMessage auth = AuthMessage.Decode(body[..bodyLength], format);
            Accept(auth, input[..packetLength]);
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
    /// <see cref="TryReadAuth(ReadOnlySpan{byte}, out int)"/> over a pipe's buffer, which may span
    /// segments (at most <see cref="MaxPacketLength"/> bytes are copied to the stack in that case).
    /// </summary>
    /// <param name="input">The received bytes, starting at the connection's first byte.</param>
    /// <param name="consumed">The auth packet's length when the result is true; otherwise 0.</param>
    /// <returns>True when the auth has been accepted.</returns>
    /// <exception cref="HandshakeException">The auth was rejected (see the span overload).</exception>
    /// <exception cref="InvalidOperationException">The auth was already read, or the object is failed or disposed.</exception>
    public bool TryReadAuth(in ReadOnlySequence<byte> input, out int consumed)
    {
        if (input.IsSingleSegment)
        {
            return TryReadAuth(input.FirstSpan, out consumed);
        }

        Span<byte> copy = stackalloc byte[MaxPacketLength];
        int length = (int)Math.Min(input.Length, MaxPacketLength);
        input.Slice(0, length).CopyTo(copy);
        return TryReadAuth(copy[..length], out consumed);
    }

    /// <summary>The exact length of the ack packet <see cref="WriteAck"/> writes: 210 for a legacy auth, otherwise the EIP-8 length.</summary>
    /// <returns>The packet length in bytes, size prefix included.</returns>
    /// <exception cref="InvalidOperationException">The auth has not been read, or the ack was already written.</exception>
    public int GetAckLength()
    {
        EnsureState(HandshakeState.AwaitingAckWrite, nameof(GetAckLength));
        return _auth!.Format == HandshakeFormat.Legacy
            ? HandshakePacket.LegacyAckPacketLength
            : HandshakePacket.GetEip8PacketLength(AckMessage.Eip8ListLength + _paddingLength);
    }

    /// <summary>
    /// Encrypts the ack packet to the initiator's static key and writes it to the start of
    /// <paramref name="destination"/>, ready to send; this completes the handshake.
    /// </summary>
    /// <param name="destination">At least <see cref="GetAckLength"/> bytes; not kept after the call.</param>
    /// <returns>The number of bytes written, <see cref="GetAckLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    /// <exception cref="InvalidOperationException">The auth has not been read, the ack was already written, or the object is failed or disposed.</exception>
    public int WriteAck(Span<byte> destination)
    {
        int length = GetAckLength();
        if (destination.Length < length)
        {
            HandshakeThrowHelper.ThrowDestinationTooShort(nameof(destination), length, destination.Length);
        }

        Span<byte> body = stackalloc byte[HandshakePacket.MaxBodyLength];
        int bodyLength = 0;
        try
        {
            if (_auth!.Format == HandshakeFormat.Legacy)
            {
                bodyLength = HandshakePacket.LegacyAckBodyLength;
                AckMessage.WriteLegacy(_ephemeralKey.PublicKey, _nonce, body);
                HandshakePacketWriter.SealLegacy(_remoteStaticKey, _eciesKey, body[..bodyLength], destination);
            }
            else
            {
                int listLength = AckMessage.WriteEip8(_ephemeralKey.PublicKey, _nonce, body);
                bodyLength = listLength + _paddingLength;
                HandshakePacketWriter.WritePadding(_fixedPadding, body[listLength..bodyLength]);
                HandshakePacketWriter.SealEip8(_remoteStaticKey, _eciesKey, body[..bodyLength], destination);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body[..bodyLength]);
        }

        RecordSentAck(destination[..length]);
        return length;
    }

    /// <summary>
    /// Checks the auth's signature, derives and hands over the secrets of the completed handshake
    /// (see the remarks for why this work waits until now); the caller owns and disposes them. Can
    /// be called once.
    /// </summary>
    /// <returns>The connection secrets, with this side's egress and ingress MAC states.</returns>
    /// <exception cref="HandshakeException">
    /// The auth's signature recovers no key, or, for a legacy auth, not the key whose hash it
    /// carries; the object is then failed.
    /// </exception>
    /// <exception cref="InvalidOperationException">The handshake is not complete, or the secrets were already taken.</exception>
    public RlpxSecrets TakeSecrets()
    {
        EnsureState(HandshakeState.Complete, nameof(TakeSecrets));
        if (_secretsTaken)
        {
            throw new InvalidOperationException("The secrets were already taken.");
        }

        Span<byte> ephemeralShared = stackalloc byte[SecretLength];
        Span<byte> secrets = stackalloc byte[2 * SecretLength];
        Keccak256 egress = default;
        Keccak256 ingress = default;
        try
        {
            _ephemeralKey.Ecdh(RecoverRemoteEphemeralKey(_auth!), ephemeralShared);
            Span<byte> aesSecret = secrets[..SecretLength];
            Span<byte> macSecret = secrets[SecretLength..];
            HandshakeKeyDerivation.DeriveSecrets(ephemeralShared, _auth!.Nonce, _nonce, aesSecret, macSecret);

            // rlpx.md: the recipient's ingress MAC is the initiator's egress, (mac-secret ^ recipient-nonce) || auth;
            // its egress MAC starts from (mac-secret ^ initiator-nonce) || ack.
            ReadOnlySpan<byte> packets = _packets;
            ingress = HandshakeKeyDerivation.InitializeMac(macSecret, _nonce, packets[.._authPacketLength]);
            egress = HandshakeKeyDerivation.InitializeMac(macSecret, _auth.Nonce, packets.Slice(_authPacketLength, _ackPacketLength));
            var taken = new RlpxSecrets(aesSecret, macSecret, egress, ingress, _remoteStaticKey);
            _secretsTaken = true;
            ReleasePackets();
            return taken;
        }
        catch (HandshakeException)
        {
            _state = HandshakeState.Failed;
            ReleasePackets();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralShared);
            CryptographicOperations.ZeroMemory(secrets);
            egress.Reset();
            ingress.Reset();
        }
    }

    /// <summary>Zeroes the ephemeral keys, the nonce and the kept packets. Idempotent.</summary>
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
        ReleasePackets();
    }

    /// <summary>
    /// Completes the handshake as if <paramref name="packet"/> were the ack we sent: for vector
    /// tests, which must seed the MACs with the vector's packet bytes (ECIES is randomised).
    /// </summary>
    internal void RecordSentAck(ReadOnlySpan<byte> packet)
    {
        EnsureState(HandshakeState.AwaitingAckWrite, nameof(RecordSentAck));
        // Accept left room for an ack of up to MaxPacketLength after the auth.
        packet.CopyTo(_packets.AsSpan(_authPacketLength));
        _ackPacketLength = packet.Length;
        _state = HandshakeState.Complete;
    }

    private void ReleasePackets()
    {
        if (_packets is not null)
        {
            ArrayPool<byte>.Shared.Return(_packets, clearArray: true);
            _packets = null;
        }
    }

    /// <summary>
    /// Keeps the decoded auth and a copy of its packet (for the ingress MAC); the signature is
    /// checked later, by <see cref="TakeSecrets"/> (see the remarks).
    /// </summary>
    private void Accept(AuthMessage auth, ReadOnlySpan<byte> authPacket)
    {
        // Room for the ack after it (at most as long as an EIP-8 packet can be).
        _packets = ArrayPool<byte>.Shared.Rent(authPacket.Length + MaxPacketLength);
        authPacket.CopyTo(_packets);
        _authPacketLength = authPacket.Length;
        _remoteStaticKey = auth.InitiatorPublicKey;
        _auth = auth;
        _state = HandshakeState.AwaitingAckWrite;
    }

    /// <summary>
    /// The initiator's ephemeral key, recovered from the auth's signature over
    /// static-shared-secret ^ initiator-nonce: a signature made with any other static key pair
    /// yields a different key, and the MACs will not match.
    /// </summary>
    private PublicKey RecoverRemoteEphemeralKey(AuthMessage auth)
    {
        Span<byte> signedMessage = stackalloc byte[HandshakePacket.NonceLength];
        try
        {
            HandshakeKeyDerivation.ComputeSignedMessage(_staticKey, _remoteStaticKey, auth.Nonce, signedMessage);
            if (!PublicKey.TryRecover(signedMessage, auth.Signature, out PublicKey remoteEphemeralKey))
            {
                HandshakeThrowHelper.ThrowSignatureNotRecoverable(auth.SignatureOffset, auth.Signature[^1]);
            }

            if (auth.EphemeralPublicKeyHash is not null)
            {
                CheckEphemeralHash(remoteEphemeralKey, auth.EphemeralPublicKeyHash);
            }

            return remoteEphemeralKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signedMessage);
        }
    }

    /// <summary>
    /// A legacy auth also carries keccak256(ephemeral-pubk); ethereumjs checks it against the
    /// recovered key, and so do we: a mismatch means the signature is not over what we expect.
    /// </summary>
    private static void CheckEphemeralHash(in PublicKey remoteEphemeralKey, byte[] expectedHash)
    {
        Span<byte> encoded = stackalloc byte[HandshakePacket.PublicKeyLength];
        Span<byte> hash = stackalloc byte[HandshakePacket.HashLength];
        remoteEphemeralKey.WriteTo(encoded);
        Keccak256.Hash(encoded, hash);
        if (!hash.SequenceEqual(expectedHash))
        {
            HandshakeThrowHelper.ThrowEphemeralHashMismatch(AuthMessage.LegacyEphemeralHashOffset);
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
        HandshakeState.Initial => "waiting for the auth",
        HandshakeState.AwaitingAckWrite => "waiting for WriteAck",
        HandshakeState.Complete => "complete",
        HandshakeState.Failed => "failed (an auth was rejected)",
        _ => "disposed",
    };
}
