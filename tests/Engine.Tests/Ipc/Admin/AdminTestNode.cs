using System.Net.Sockets;
using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Engine.Tests.Servers;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>
/// A node under test: a real <see cref="Server"/> on 127.0.0.1 with the node API registered on an
/// <see cref="RpcServer"/> served on a Unix socket, and clients over that socket or in-process.
/// </summary>
internal sealed class AdminTestNode : IAsyncDisposable
{
    /// <summary>The transports every API test runs over.</summary>
    public static readonly TheoryData<string> Transports = new() { InProcess, Unix };

    public const string InProcess = "inproc";
    public const string Unix = "unix";

    private readonly PrivateKey _key;

    private AdminTestNode(PrivateKey key, Server server, RpcServer rpc, IpcEndpoint ipc)
    {
        _key = key;
        Server = server;
        Rpc = rpc;
        Ipc = ipc;
    }

    public Server Server { get; }

    public RpcServer Rpc { get; }

    public IpcEndpoint Ipc { get; }

    public string Id => Server.Self.Id.ToString();

    /// <summary>Starts a node (unless <paramref name="start"/> is false) and its IPC endpoint on a fresh socket path.</summary>
    public static async Task<AdminTestNode> StartAsync(CancellationToken ct, bool start = true)
    {
        var key = PrivateKey.Generate();
        var server = new Server(ServerTestKit.Config(key));
        if (start)
        {
            await server.StartAsync(ct);
        }

        var registry = new RpcMethodRegistry();
        NodeRpcApi.Register(registry, server);
        var rpc = new RpcServer(registry);
        IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, new UnixDomainSocketEndPoint(RpcTestKit.NewUnixSocketPath()), cancellationToken: ct);
        return new AdminTestNode(key, server, rpc, ipc);
    }

    /// <summary>A typed client over <paramref name="transport"/>.</summary>
    public async Task<RpcClient> ConnectAsync(string transport, CancellationToken ct) => transport switch
    {
        InProcess => RpcClient.ConnectInProcess(Rpc),
        Unix => await RpcClient.ConnectAsync(Ipc.EndPoint, cancellationToken: ct),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unknown transport"),
    };

    /// <summary>A raw line client over <paramref name="transport"/>, for byte-exact checks.</summary>
    public async Task<RawRpcClient> ConnectRawAsync(string transport, CancellationToken ct)
    {
        if (transport == InProcess)
        {
            return RpcTestKit.ConnectRaw(Rpc);
        }

        TransportConnection connection = await new SocketTransportDialer().ConnectAsync(Ipc.EndPoint, ct);
        return new RawRpcClient(connection, Task.CompletedTask);
    }

    /// <summary>Polls admin_peers until <paramref name="condition"/> holds for its result.</summary>
    public static async Task<JsonElement> WaitForPeersAsync(RpcClient client, Func<JsonElement, bool> condition, string what, CancellationToken ct)
    {
        while (true)
        {
            JsonElement peers = await client.CallAsync("admin_peers", RpcJsonContext.Default.JsonElement, ct);
            if (condition(peers))
            {
                return peers;
            }

            if (ct.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}; admin_peers was {peers.GetRawText()}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    public static string[] PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Ipc.DisposeAsync();
        await Rpc.StopAsync();
        await Server.StopAsync();
        _key.Dispose();
    }
}
