using Devp2p;
using Devp2p.Crypto;
using Devp2p.Samples.FooBar;

// The go-ethereum p2p tutorial in C#: two servers in one process, both running "MyProtocol"
// version 1 (one message code). Node 1 listens on 127.0.0.1 (a free port); node 2 is told to add
// node 1 as a static peer and dials it. Each says "foo", each answers "bar", then node 2 stops,
// which disconnects the peer with DiscQuitting.
using var key1 = PrivateKey.Generate();
using var key2 = PrivateKey.Generate();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
var barsReceived = new CountdownEvent(2);

ServerConfig Node(PrivateKey key, string name) => new()
{
    PrivateKey = key,
    Name = name,
    MaxPeers = 10,
    ListenAddr = "127.0.0.1:0",
    NoDiscovery = true,
    Protocols = [FooBarProtocol.Create(_ => barsReceived.Signal(), Console.Out)],
};

await using var node1 = new Server(Node(key1, "foobar/node1"));
await using var node2 = new Server(Node(key2, "foobar/node2"));
await node1.StartAsync(timeout.Token);
await node2.StartAsync(timeout.Token);
Console.WriteLine($"node 1: {node1.Self}");

// Watch node 1's peer events: the add when node 2 connects, the drop when it leaves.
var events = node1.SubscribeEvents(cancellationToken: timeout.Token);
node2.AddPeer(node1.Self);

if (!barsReceived.Wait(TimeSpan.FromSeconds(5), timeout.Token))
{
    Console.Error.WriteLine("no bar within 5 s");
    return 1;
}

Console.WriteLine($"node 2 has {node2.PeerCount} peer: {node2.Peers[0].Name}, running {string.Join(", ", node2.Peers[0].RunningProtocols)}");
await node2.StopAsync(timeout.Token);
PeerEvent drop = await events.ReadAllAsync(timeout.Token).FirstAsync(e => e.Type == PeerEventType.Drop, timeout.Token);
Console.WriteLine($"node 1 saw the peer leave: {drop.Error}");
return 0;

