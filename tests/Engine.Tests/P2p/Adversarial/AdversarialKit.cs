using System.Diagnostics;
using Devp2p.Crypto;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>Which side of the RLPx handshake the engine's peer takes against a <see cref="ManualRemote"/>.</summary>
public enum EngineRole
{
    /// <summary>The remote dials: the engine answers the auth (<c>Peer.ConnectAsync(..., null)</c>).</summary>
    Recipient,

    /// <summary>The engine dials the remote's key and sends the auth.</summary>
    Initiator,
}

/// <summary>Setups shared by the adversarial tests: short timeouts, a real Peer against a <see cref="ManualRemote"/>.</summary>
internal static class AdversarialKit
{
    /// <summary>Bounds each test; a healthy run needs well under a second per test.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How much later than due a timeout may fire, or a "quick" rejection may arrive. Generous on
    /// purpose: on a 2-core test host the runner blocks thread-pool threads, and a pool work item
    /// (a timer callback, an await continuation) was seen waiting up to ~1.1 s for a thread, with no
    /// peer running at all.
    /// </summary>
    public static readonly TimeSpan SchedulingSlack = TimeSpan.FromSeconds(2.5);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    /// <summary>
    /// Options with a short disconnect linger; the other timeouts keep their defaults, and each test
    /// that is about a timeout sets that one short.
    /// </summary>
    public static PeerOptions Options(PrivateKey key, params Protocol[] protocols) => PeerTestKit.Options(key, protocols) with
    {
        DisconnectLinger = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>A fresh transport: the engine's end and a manual remote on the other end.</summary>
    /// <param name="remoteKey">The remote's node key.</param>
    /// <param name="kind">The transport.</param>
    /// <param name="ct">Bounds the connect.</param>
    /// <param name="inMemoryOptions">Pipe thresholds for an in-memory pair (ignored for sockets).</param>
    public static async Task<(TransportConnection EngineSide, ManualRemote Remote)> CreateAsync(
        PrivateKey remoteKey, TransportKind kind, CancellationToken ct, TransportOptions? inMemoryOptions = null)
    {
        (TransportConnection dialer, TransportConnection listener) = kind == TransportKind.InMemory
            ? InMemoryTransport.CreatePair(inMemoryOptions)
            : await PeerTestKit.CreateTransportPairAsync(kind, ct);
        return (listener, new ManualRemote(dialer, remoteKey));
    }

    /// <summary>Runs the RLPx handshake between a Peer being set up and the remote; returns the pending setup.</summary>
    public static async Task<Task<Peer>> HandshakeAsync(TransportConnection engineSide, ManualRemote remote, PeerOptions options, EngineRole role, CancellationToken ct)
    {
        Task<Peer> setup = Peer.ConnectAsync(engineSide, options, role == EngineRole.Initiator ? remote.Key.PublicKey : null, ct);
        if (role == EngineRole.Initiator)
        {
            PublicKey engineKey = await remote.RespondAsync(ct);
            Assert.Equal(options.PrivateKey.PublicKey, engineKey);
        }
        else
        {
            await remote.InitiateAsync(options.PrivateKey.PublicKey, ct);
        }

        return setup;
    }

    /// <summary>Both handshakes against a well-behaved remote: returns the running peer.</summary>
    public static async Task<(Peer Peer, ManualRemote Remote)> ConnectAsync(
        PeerOptions options, PrivateKey remoteKey, CancellationToken ct,
        EngineRole role = EngineRole.Recipient, ulong helloVersion = 5, Cap[]? caps = null, TransportKind kind = TransportKind.InMemory,
        TransportOptions? inMemoryOptions = null)
    {
        (TransportConnection engineSide, ManualRemote remote) = await CreateAsync(remoteKey, kind, ct, inMemoryOptions);
        Task<Peer> setup = await HandshakeAsync(engineSide, remote, options, role, ct);
        Hello engineHello = await remote.ExchangeHelloAsync(helloVersion, caps ?? OwnCaps(options), ct);
        Assert.Equal(BaseProtocol.Version, engineHello.ProtocolVersion);
        Assert.Equal(options.PrivateKey.PublicKey, engineHello.NodeId);
        Peer peer = await setup.WaitAsync(ct);
        return (peer, remote);
    }

    /// <summary>The caps of the engine's protocols, so capability matching runs them all.</summary>
    public static Cap[] OwnCaps(PeerOptions options) => options.Protocols.Select(static p => p.Cap).ToArray();

    /// <summary>The end of <paramref name="peer"/>, bounded.</summary>
    public static Task<PeerDisconnect> EndOf(Peer peer) => peer.Completion.WaitAsync(TestTimeout);

    /// <summary>Elapsed time of <paramref name="action"/>'s exception, and the exception.</summary>
    public static async Task<(T Error, TimeSpan Elapsed)> ThrowsTimedAsync<T>(Func<Task> action)
        where T : Exception
    {
        long start = Stopwatch.GetTimestamp();
        T error = await Assert.ThrowsAsync<T>(action);
        return (error, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>RLP of an 8-byte big-endian counter: a small payload whose content a test can verify.</summary>
    public static byte[] CounterPayload(long value)
    {
        byte[] payload = new byte[9];
        payload[0] = 0x88;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), value);
        return payload;
    }
}
