using System.Net;
using Devp2p.Ipc.NodeIpc;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Our client against our server over TCP and TLS, and two UDP servers talking to each other.</summary>
public sealed class NodeIpcNetTests
{
    [Fact]
    public async Task TcpRoundTrip()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        await using var server = new NodeIpcServer(config);
        server.On("message", async (data, socket, ct) => await server.EmitAsync(socket, "message", data.GetString() + " world!", ct));
        await server.ServeNetAsync("127.0.0.1", 0, cts.Token);
        int port = NodeIpcTestKit.PortOf(server);
        Assert.NotEqual(0, port);

        var replies = new Probe<string>();
        await using var client = new NodeIpcClient(config);
        client.On("message", data => replies.Add(data.GetString()!));
        await client.ConnectToNetAsync("world", "127.0.0.1", port, cts.Token);
        Assert.Equal("127.0.0.1", client.Host);
        await client.EmitAsync("message", "hello", cts.Token);

        Assert.Equal("hello world!", await replies.NextAsync(cts.Token));
        Assert.Single(server.Sockets);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)server.Sockets[0].RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task ClientUsesTheConfiguredInterfaceAndFamily()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        var connected = new Probe<NodeIpcSocket>();
        await using var server = new NodeIpcServer(NodeIpcTestKit.Config(dir.Root));
        server.Connected += connected.Add;
        await server.ServeNetAsync("127.0.0.1", 0, cts.Token);

        NodeIpcConfig config = NodeIpcTestKit.Config(dir.Root);
        config.Interface = new NodeIpcInterfaceConfig { LocalAddress = "127.0.0.1", Family = 4 };
        await using var client = new NodeIpcClient(config);
        await client.ConnectToNetAsync("world", "localhost", NodeIpcTestKit.PortOf(server), cts.Token);

        NodeIpcSocket socket = await connected.NextAsync(cts.Token);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)socket.RemoteEndPoint!).Address);

        // Family 6 with an IPv4-only host has nothing to connect to.
        NodeIpcConfig v6 = NodeIpcTestKit.Config(dir.Root);
        v6.Interface = new NodeIpcInterfaceConfig { Family = 6 };
        v6.MaxRetries = 0;
        await using var wrongFamily = new NodeIpcClient(v6);
        IOException error = await Assert.ThrowsAsync<IOException>(() => wrongFamily.ConnectToNetAsync("world", "127.0.0.1", NodeIpcTestKit.PortOf(server), cts.Token));
        Assert.Contains("IPv6", error.InnerException?.Message ?? error.Message);
    }

    [Fact]
    public async Task TlsRoundTripWithTrustedCertificate()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        TlsFiles files = NodeIpcTestKit.CreateTlsFiles(dir.Root);
        NodeIpcConfig serverConfig = NodeIpcTestKit.Config(dir.Root);
        serverConfig.Tls = new NodeIpcTlsConfig { Public = files.CertificatePath, Private = files.KeyPath };
        await using var server = new NodeIpcServer(serverConfig);
        server.On("message", async (data, socket, ct) => await server.EmitAsync(socket, "message", data.GetString() + " world!", ct));
        await server.ServeNetAsync("127.0.0.1", 0, cts.Token);

        NodeIpcConfig clientConfig = NodeIpcTestKit.Config(dir.Root);
        clientConfig.Tls = new NodeIpcTlsConfig { TrustedConnections = [files.CaPath] };
        var replies = new Probe<string>();
        await using var client = new NodeIpcClient(clientConfig);
        client.On("message", data => replies.Add(data.GetString()!));
        await client.ConnectToNetAsync("world", "127.0.0.1", NodeIpcTestKit.PortOf(server), cts.Token);
        await client.EmitAsync("message", "secure", cts.Token);

        Assert.Equal("secure world!", await replies.NextAsync(cts.Token));
    }

    [Fact]
    public async Task TlsClientRejectsAnUntrustedServerAndIsDestroyed()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        TlsFiles files = NodeIpcTestKit.CreateTlsFiles(dir.Root);
        NodeIpcConfig serverConfig = NodeIpcTestKit.Config(dir.Root);
        serverConfig.Tls = new NodeIpcTlsConfig { Public = files.CertificatePath, Private = files.KeyPath };
        var serverErrors = new Probe<Exception>();
        await using var server = new NodeIpcServer(serverConfig);
        server.Error += (e, _) => serverErrors.Add(e);
        await server.ServeNetAsync("127.0.0.1", 0, cts.Token);

        // No trusted roots: the system store does not know the test CA.
        NodeIpcConfig clientConfig = NodeIpcTestKit.Config(dir.Root);
        clientConfig.Tls = new NodeIpcTlsConfig();
        clientConfig.MaxRetries = 0;
        var clientErrors = new Probe<Exception>();
        await using var client = new NodeIpcClient(clientConfig);
        client.Error += clientErrors.Add;

        IOException failure = await Assert.ThrowsAsync<IOException>(() => client.ConnectToNetAsync("world", "127.0.0.1", NodeIpcTestKit.PortOf(server), cts.Token));
        Assert.Contains("TLS handshake", failure.Message);
        Assert.Contains("TLS handshake", (await clientErrors.NextAsync(cts.Token)).Message);

        // A peer that does not speak TLS fails the server's side of the handshake: an error event, no socket.
        using (var plain = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await plain.ConnectAsync((IPEndPoint)server.EndPoint!, cts.Token);
            await plain.SendAsync("{\"type\":\"m\"}\f"u8.ToArray(), cts.Token);
            Assert.Contains("TLS handshake", (await serverErrors.NextAsync(cts.Token)).Message);
        }

        // RejectUnauthorized = false accepts it, as Node's option does.
        clientConfig = NodeIpcTestKit.Config(dir.Root);
        clientConfig.Tls = new NodeIpcTlsConfig { RejectUnauthorized = false };
        await using var lenient = new NodeIpcClient(clientConfig);
        await lenient.ConnectToNetAsync("world", "127.0.0.1", NodeIpcTestKit.PortOf(server), cts.Token);
        Assert.True(lenient.IsConnected);
    }

    [Fact]
    public async Task UdpServersTalkAndReplyToTheSender()
    {
        using var dir = new SocketDirectory();
        using CancellationTokenSource cts = NodeIpcTestKit.Timeout();
        await using var world = new NodeIpcServer(NodeIpcTestKit.Config(dir.Root));
        world.On("message", NodeIpcTestJsonContext.Default.TestPoint, async (point, socket, ct) =>
            await world.EmitAsync(socket, "message", point! with { X = point.X + 1, Id = "world" }, NodeIpcTestJsonContext.Default.TestPoint, ct));
        await world.ServeNetAsync("127.0.0.1", 0, NodeIpcUdpType.Udp4, cts.Token);

        var replies = new Probe<TestPoint>();
        await using var hello = new NodeIpcServer(NodeIpcTestKit.Config(dir.Root, "hello"));
        hello.On("message", NodeIpcTestJsonContext.Default.TestPoint, (point, socket) =>
        {
            Assert.True(socket.IsDatagram);
            replies.Add(point!);
        });
        await hello.ServeNetAsync("::1", 0, NodeIpcUdpType.Udp4, cts.Token);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)hello.EndPoint!).Address);

        NodeIpcSocket toWorld = hello.GetUdpSocket((IPEndPoint)world.EndPoint!);
        for (int i = 0; i < 3; i++)
        {
            // UDP may drop datagrams even on loopback; retry each until its answer arrives.
            TestPoint? answer = null;
            for (int attempt = 0; attempt < 5 && answer is null; attempt++)
            {
                await hello.EmitAsync(toWorld, "message", new TestPoint(i, 0, "hello"), NodeIpcTestJsonContext.Default.TestPoint, cts.Token);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    answer = await replies.NextAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                }
            }

            Assert.Equal(new TestPoint(i + 1, 0, "world"), answer);
        }

        Assert.Single(world.Sockets);
        Assert.Equal("hello", world.Sockets[0].Id);
    }
}
