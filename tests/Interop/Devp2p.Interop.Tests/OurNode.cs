using System.Net;
using Devp2p.Crypto;
using Devp2p.Transports;

namespace Devp2p.Interop.Tests;

/// <summary>Our side of an interop test: a key, a TCP listener on 127.0.0.1 and a "bench" protocol whose read-writers the test drives.</summary>
internal sealed class OurNode : IAsyncDisposable
{
    private readonly SocketTransportListener _listener = new(new IPEndPoint(IPAddress.Loopback, 0));

    public OurNode(int maxMessageSize = RlpxConnection.DefaultMaxMessageSize)
    {
        Options = new PeerOptions
        {
            PrivateKey = Key,
            Name = "devp2p-cs/interop-test",
            MaxMessageSize = maxMessageSize,
            Protocols =
            [
                new Protocol
                {
                    Name = "bench",
                    Version = 1,
                    Length = 2,
                    Run = async (peer, rw, ct) =>
                    {
                        BenchChannels.Writer.TryWrite((peer, rw));
                        await Task.Delay(Timeout.Infinite, ct);
                    },
                },
            ],
        };
    }

    public PrivateKey Key { get; } = PrivateKey.Generate();

    public PeerOptions Options { get; }

    public System.Threading.Channels.Channel<(Peer Peer, IMsgReadWriter Rw)> BenchChannels { get; } =
        System.Threading.Channels.Channel.CreateUnbounded<(Peer, IMsgReadWriter)>();

    public int Port => ((IPEndPoint)_listener.EndPoint).Port;

    public string Enode => $"enode://{Key.PublicKey.ToHex()}@127.0.0.1:{Port}";

    public async Task StartListeningAsync() => await _listener.BindAsync();

    /// <summary>Accepts one inbound connection and sets the peer up.</summary>
    public async Task<Peer> AcceptPeerAsync(CancellationToken ct)
    {
        TransportConnection connection = await _listener.AcceptAsync(ct) ?? throw new InvalidOperationException("listener closed");
        return await Peer.ConnectAsync(connection, Options, null, ct);
    }

    /// <summary>Dials the ethereumjs node on 127.0.0.1.</summary>
    public async Task<Peer> DialAsync(EthereumJsPeer remote, CancellationToken ct)
    {
        TransportConnection connection = await new SocketTransportDialer().ConnectAsync(new IPEndPoint(IPAddress.Loopback, remote.Port), ct);
        return await Peer.ConnectAsync(connection, Options, PublicKey.FromHex(remote.Id), ct);
    }

    public async Task<IMsgReadWriter> BenchAsync(CancellationToken ct) => (await BenchChannels.Reader.ReadAsync(ct)).Rw;

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        Key.Dispose();
    }
}
