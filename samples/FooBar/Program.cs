using System.Net;
using Devp2p;
using Devp2p.Crypto;
using Devp2p.Samples.FooBar;
using Devp2p.Transports;

// Two nodes in one process, as in the go-ethereum p2p tutorial: node 1 listens on 127.0.0.1,
// node 2 dials it; each says "foo", each answers "bar", then node 2 hangs up.
using var key1 = PrivateKey.Generate();
using var key2 = PrivateKey.Generate();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
var barsReceived = new CountdownEvent(2);

PeerOptions Node(PrivateKey key, string name) => new()
{
    PrivateKey = key,
    Name = name,
    Protocols = [FooBarProtocol.Create(_ => barsReceived.Signal(), Console.Out)],
};

await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
await listener.BindAsync(timeout.Token);
Console.WriteLine($"node 1 listening on {listener.EndPoint}");

Task<Peer> accepted = Task.Run(async () =>
{
    TransportConnection connection = await listener.AcceptAsync(timeout.Token) ?? throw new InvalidOperationException("listener closed");
    return await Peer.ConnectAsync(connection, Node(key1, "foobar/node1"), dialDestination: null, timeout.Token);
});

TransportConnection dialed = await new SocketTransportDialer().ConnectAsync(listener.EndPoint, timeout.Token);
Peer peerOf2 = await Peer.ConnectAsync(dialed, Node(key2, "foobar/node2"), key1.PublicKey, timeout.Token);
Peer peerOf1 = await accepted;
Console.WriteLine($"node 2 connected to {peerOf2.Name}, running {string.Join(", ", peerOf2.RunningProtocols)}");

if (!barsReceived.Wait(TimeSpan.FromSeconds(5), timeout.Token))
{
    Console.Error.WriteLine("no bar within 5 s");
    return 1;
}

peerOf2.Disconnect(DiscReason.Requested);
PeerDisconnect end = await peerOf1.Completion.WaitAsync(timeout.Token);
Console.WriteLine($"node 1 saw the peer leave: {end}");
return 0;
