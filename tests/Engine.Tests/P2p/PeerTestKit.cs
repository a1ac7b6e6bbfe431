using System.Net;
using Devp2p.Crypto;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary>The transports every end-to-end peer test runs over.</summary>
public enum TransportKind
{
    InMemory,
    Tcp,
    Unix,
}

/// <summary>Sets up pairs of connected transports and peers, always on loopback and bounded in time.</summary>
internal static class PeerTestKit
{
    /// <summary>Upper bound for a test's waits; healthy tests finish far sooner.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    public static TheoryData<TransportKind> AllTransports() => new() { TransportKind.InMemory, TransportKind.Tcp, TransportKind.Unix };

    /// <summary>Returns (dialer side, listener side) of one fresh connection.</summary>
    public static async Task<(TransportConnection Dialer, TransportConnection Listener)> CreateTransportPairAsync(TransportKind kind, CancellationToken ct)
    {
        if (kind == TransportKind.InMemory)
        {
            return InMemoryTransport.CreatePair();
        }

        SocketTransportListener listener = kind == TransportKind.Tcp
            ? new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0))
            : SocketTransportListener.ForUnixSocket(Path.Combine(Path.GetTempPath(), "d2p-" + Guid.NewGuid().ToString("N")[..12] + ".sock"));
        await using (listener)
        {
            await listener.BindAsync(ct);
            var dialer = new SocketTransportDialer();
            ValueTask<TransportConnection?> accept = listener.AcceptAsync(ct);
            TransportConnection dialed = await dialer.ConnectAsync(listener.EndPoint, ct);
            TransportConnection accepted = await accept ?? throw new InvalidOperationException("The listener closed.");
            return (dialed, accepted);
        }
    }

    public static PeerOptions Options(PrivateKey key, params Protocol[] protocols) => new()
    {
        PrivateKey = key,
        Name = "test/" + key.PublicKey.ToHex()[..6],
        Protocols = protocols,
    };

    /// <summary>Connects two peers: <paramref name="a"/> dials <paramref name="b"/>.</summary>
    public static async Task<(Peer A, Peer B)> ConnectAsync(TransportKind kind, PeerOptions a, PeerOptions b, CancellationToken ct)
    {
        (TransportConnection dialer, TransportConnection listener) = await CreateTransportPairAsync(kind, ct);
        Task<Peer> inbound = Peer.ConnectAsync(listener, b, null, ct);
        Task<Peer> outbound = Peer.ConnectAsync(dialer, a, b.PrivateKey.PublicKey, ct);
        return (await outbound, await inbound);
    }

    /// <summary>A protocol whose Run hands its read-writer to the test and waits until the peer ends.</summary>
    public static Protocol Capture(string name, uint version, uint length, TaskCompletionSource<IMsgReadWriter> captured) => new()
    {
        Name = name,
        Version = version,
        Length = length,
        Run = async (peer, rw, ct) =>
        {
            captured.TrySetResult(rw);
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
        },
    };

    public static async Task<PeerDisconnect> EndOf(Peer peer) => await peer.Completion.WaitAsync(TestTimeout);
}
