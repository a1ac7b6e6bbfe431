using System.Buffers;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;

namespace Devp2p;

/// <summary>
/// An initiator handshake whose auth packet is already signed and encrypted. The auth depends only
/// on our key and the remote's, so a dialler builds it while the transport connect is in flight
/// (its EC work, about a third of the handshake's, then costs no wall time), and sends it the
/// moment the connection is up.
/// </summary>
internal sealed class PreparedAuth : IDisposable
{
    private byte[]? _packet;

    private PreparedAuth(RlpxInitiatorHandshake handshake, byte[] packet, int length)
    {
        Handshake = handshake;
        _packet = packet;
        Length = length;
    }

    /// <summary>The handshake, waiting for the ack.</summary>
    public RlpxInitiatorHandshake Handshake { get; }

    /// <summary>The node the auth is for.</summary>
    public PublicKey Remote => Handshake.RemotePublicKey;

    /// <summary>The auth packet's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The auth packet, ready to send.</summary>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public ReadOnlySpan<byte> Packet => (_packet ?? throw new ObjectDisposedException(nameof(PreparedAuth))).AsSpan(0, Length);

    /// <summary>Makes the ephemeral keys, signs and encrypts the auth for <paramref name="remote"/>.</summary>
    /// <param name="privateKey">Our node key; borrowed until the handshake completes.</param>
    /// <param name="remote">The node being dialled.</param>
    public static PreparedAuth Create(PrivateKey privateKey, in PublicKey remote)
    {
        var handshake = new RlpxInitiatorHandshake(privateKey, remote);
        byte[]? packet = null;
        try
        {
            int length = handshake.GetAuthLength();
            packet = ArrayPool<byte>.Shared.Rent(length);
            handshake.WriteAuth(packet);
            return new PreparedAuth(handshake, packet, length);
        }
        catch
        {
            handshake.Dispose();
            if (packet is not null)
            {
                ArrayPool<byte>.Shared.Return(packet);
            }

            throw;
        }
    }

    /// <summary>Disposes the handshake (zeroing its keys) and returns the packet buffer.</summary>
    public void Dispose()
    {
        Handshake.Dispose();
        if (Interlocked.Exchange(ref _packet, null) is { } packet)
        {
            ArrayPool<byte>.Shared.Return(packet);
        }
    }
}
