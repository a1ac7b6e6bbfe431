using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

/// <summary>Servers and plain client peers on 127.0.0.1 with short timeouts, each wait bounded.</summary>
internal static class ServerTestKit
{
    /// <summary>Upper bound for one test's waits; healthy tests finish far sooner.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(15);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    /// <summary>A protocol that holds the peer open until it ends.</summary>
    public static Protocol Hold(string name = "hold", uint version = 1) => new()
    {
        Name = name,
        Version = version,
        Length = 2,
        Run = static async (peer, rw, ct) => await Task.Delay(System.Threading.Timeout.Infinite, ct),
    };

    /// <summary>A server config on 127.0.0.1:0 with short timeouts.</summary>
    public static ServerConfig Config(PrivateKey key, params Protocol[] protocols) => new()
    {
        PrivateKey = key,
        Name = "server/" + key.PublicKey.ToHex()[..6],
        ListenAddr = "127.0.0.1:0",
        Protocols = protocols.Length == 0 ? [Hold()] : protocols,
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        DialTimeout = TimeSpan.FromSeconds(3),
        DisconnectLinger = TimeSpan.FromMilliseconds(300),
        RedialInterval = TimeSpan.FromMilliseconds(200),
        MaxRedialInterval = TimeSpan.FromMilliseconds(800),
        NoDiscovery = true,
    };

    public static async Task<Server> StartAsync(ServerConfig config, CancellationToken ct)
    {
        var server = new Server(config);
        await server.StartAsync(ct);
        return server;
    }

    /// <summary>The server as a dial target (its real port).</summary>
    public static EnodeUrl Node(Server server) => server.Self;

    /// <summary>Options for a plain (server-less) client peer with short timeouts.</summary>
    public static PeerOptions ClientOptions(PrivateKey key, params Protocol[] protocols) => new()
    {
        PrivateKey = key,
        Name = "client/" + key.PublicKey.ToHex()[..6],
        Protocols = protocols.Length == 0 ? [Hold()] : protocols,
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        DisconnectLinger = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>Dials the server over TCP with a plain Peer (no server of its own).</summary>
    public static async Task<Peer> ConnectClientAsync(Server server, PeerOptions options, CancellationToken ct)
    {
        TransportConnection transport = await new SocketTransportDialer().ConnectAsync(server.ListenEndPoint!, ct);
        return await Peer.ConnectAsync(transport, options, server.Self.PublicKey, ct);
    }

    /// <summary>Dials and expects the server to refuse with <paramref name="reason"/> (a Disconnect instead of, or right after, its Hello).</summary>
    public static async Task ExpectRefusedAsync(Server server, PeerOptions options, DiscReason reason, CancellationToken ct)
    {
        Peer? peer = null;
        try
        {
            peer = await ConnectClientAsync(server, options, ct);
        }
        catch (PeerDisconnectedException ex)
        {
            Assert.Equal(reason, ex.Reason);
            Assert.True(ex.RequestedByRemote);
            return;
        }

        // A refusal after Hello (useless peer) reaches a client without protocol checks as a Disconnect on the running peer.
        PeerDisconnect end = await peer.Completion.WaitAsync(ct);
        Assert.Equal(reason, end.Reason);
        Assert.True(end.RequestedByRemote);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="TestTimeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken ct, Func<string>? detail = null)
    {
        while (!condition())
        {
            if (ct.IsCancellationRequested)
            {
                Assert.Fail("Timed out waiting until " + what + (detail is null ? "" : Environment.NewLine + detail()));
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }

    /// <summary>Reads events until one matches.</summary>
    public static async Task<PeerEvent> NextAsync(ChannelReader<PeerEvent> events, Func<PeerEvent, bool> match, CancellationToken ct)
    {
        while (true)
        {
            PeerEvent e = await events.ReadAsync(ct);
            if (match(e))
            {
                return e;
            }
        }
    }

    /// <summary>A dialer that counts its calls and dials TCP.</summary>
    public sealed class CountingDialer : INodeDialer
    {
        private readonly TcpNodeDialer _inner = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>When each dial started (Environment.TickCount64).</summary>
        public System.Collections.Concurrent.ConcurrentQueue<long> Times { get; } = new();

        public ValueTask<TransportConnection> DialAsync(EnodeUrl node, CancellationToken cancellationToken)
        {
            Times.Enqueue(Environment.TickCount64);
            Interlocked.Increment(ref _calls);
            return _inner.DialAsync(node, cancellationToken);
        }
    }

    /// <summary>A node source over a fixed list, then waiting until cancelled (as discovery would).</summary>
    public sealed class ListSource(IReadOnlyList<EnodeUrl> nodes) : INodeSource
    {
        private int _taken;

        public int Taken => Volatile.Read(ref _taken);

        public async IAsyncEnumerable<EnodeUrl> GetNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (EnodeUrl node in nodes)
            {
                Interlocked.Increment(ref _taken);
                yield return node;
            }

            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        }
    }

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
