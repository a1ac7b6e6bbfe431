using System.Buffers;
using System.IO.Pipelines;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;

namespace Devp2p;

/// <content>The ECIES handshake over the transport's pipes (rlpx.md, "Initial Handshake").</content>
public sealed partial class RlpxConnection
{
    /// <summary>
    /// Runs the RLPx handshake: as initiator when <paramref name="dialDestination"/> is given (we
    /// dialled that node), otherwise as recipient. Sends EIP-8 packets; accepts EIP-8 and legacy ones.
    /// </summary>
    /// <param name="privateKey">Our node key; used, not kept.</param>
    /// <param name="dialDestination">The public key of the node we dialled, or null for an inbound connection.</param>
    /// <param name="timeout">How long the whole handshake may take (<see cref="DefaultHandshakeTimeout"/> is go-ethereum's).</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The remote node's public key: the dial destination, or the key learned from the auth.</returns>
    /// <exception cref="HandshakeException">The peer's auth or ack is malformed, too large, or not for our key.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete within <paramref name="timeout"/>.</exception>
    /// <exception cref="EndOfStreamException">The peer closed the connection during the handshake.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    /// <exception cref="InvalidOperationException">A handshake already ran on this connection.</exception>
    public Task<PublicKey> HandshakeAsync(PrivateKey privateKey, PublicKey? dialDestination, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        HandshakeCoreAsync(privateKey, dialDestination, null, timeout, cancellationToken);

    /// <summary>
    /// <see cref="HandshakeAsync(PrivateKey, PublicKey?, TimeSpan, CancellationToken)"/>, sending
    /// <paramref name="prepared"/>'s auth when given (then <paramref name="dialDestination"/> must
    /// be its remote). Takes ownership of <paramref name="prepared"/>.
    /// </summary>
    internal async Task<PublicKey> HandshakeCoreAsync(PrivateKey privateKey, PublicKey? dialDestination, PreparedAuth? prepared, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using PreparedAuth? owned = prepared;
        ArgumentNullException.ThrowIfNull(privateKey);
        if (prepared is not null && prepared.Remote != dialDestination)
        {
            throw new ArgumentException("The prepared auth is for another node than the dial destination.", nameof(prepared));
        }

        if (_codec is not null)
        {
            throw new InvalidOperationException("The RLPx handshake already ran on this connection.");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            RlpxSecrets secrets = dialDestination is { } remote
                ? await InitiateAsync(prepared ?? PreparedAuth.Create(privateKey, remote), timeoutSource.Token).ConfigureAwait(false)
                : await RespondAsync(privateKey, timeoutSource.Token).ConfigureAwait(false);
            using (secrets)
            {
                _remotePublicKey = secrets.RemotePublicKey;
                _codec = new RlpxFrameCodec(secrets);
            }

            return _remotePublicKey;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The RLPx handshake did not complete within {timeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>Sends the auth and reads the ack; disposes <paramref name="auth"/>.</summary>
    private async Task<RlpxSecrets> InitiateAsync(PreparedAuth auth, CancellationToken cancellationToken)
    {
        using PreparedAuth owned = auth;
        RlpxInitiatorHandshake handshake = auth.Handshake;
        _output.Write(auth.Packet);
        await FlushHandshakeAsync(cancellationToken).ConfigureAwait(false);

        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (handshake.TryReadAck(buffer, out int consumed))
            {
                _input.AdvanceTo(buffer.GetPosition(consumed));
                return handshake.TakeSecrets();
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            ThrowIfEnded(result, "ack");
        }
    }

    private async Task<RlpxSecrets> RespondAsync(PrivateKey privateKey, CancellationToken cancellationToken)
    {
        using var handshake = new RlpxRecipientHandshake(privateKey);
        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (handshake.TryReadAuth(buffer, out int consumed))
            {
                _input.AdvanceTo(buffer.GetPosition(consumed));
                break;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            ThrowIfEnded(result, "auth");
        }

        int ackLength = handshake.GetAckLength();
        handshake.WriteAck(_output.GetSpan(ackLength));
        _output.Advance(ackLength);
        await FlushHandshakeAsync(cancellationToken).ConfigureAwait(false);
        return handshake.TakeSecrets();
    }

    private async ValueTask FlushHandshakeAsync(CancellationToken cancellationToken)
    {
        FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            throw new EndOfStreamException("The peer closed the connection during the RLPx handshake.");
        }
    }

    private static void ThrowIfEnded(in ReadResult result, string packet)
    {
        if (result.IsCompleted)
        {
            throw new EndOfStreamException($"The peer closed the connection during the RLPx handshake, before its {packet} was complete.");
        }
    }
}
