using System.Net;
using System.Net.Sockets;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>Serving an RpcServer on a Unix socket, a named pipe and loopback TCP, and the endpoint's failures.</summary>
public sealed class IpcEndpointTests
{
    private static readonly RpcJsonContext s_json = RpcJsonContext.Default;

    [Fact]
    public async Task UnixSocket_IsOwnerOnly_Serves_AndDisposeRemovesTheFile()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();
        string path = RpcTestKit.NewUnixSocketPath();
        IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token);
        try
        {
            Assert.Equal(path, ipc.Address);
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            await using RpcClient client = await RpcClient.ConnectAsync(ipc.EndPoint, cancellationToken: cts.Token);
            Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
        }
        finally
        {
            await ipc.DisposeAsync();
        }

        Assert.False(File.Exists(path));
        await ipc.Completion.WaitAsync(cts.Token);
        await ipc.DisposeAsync(); // idempotent
        await Assert.ThrowsAnyAsync<SocketException>(async () => await RpcClient.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task UnixSocket_ConnectionsAlreadyAccepted_OutliveTheEndpoint()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();
        IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, RpcTestKit.NewUnixSocketPath(), cancellationToken: cts.Token);
        await using RpcClient client = await RpcClient.ConnectAsync(ipc.EndPoint, cancellationToken: cts.Token);
        Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
        await ipc.DisposeAsync();
        Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
    }

    [Fact]
    public async Task RpcServerStopping_ReleasesTheEndpoint()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        RpcServer rpc = NewRpcServer();
        string path = RpcTestKit.NewUnixSocketPath();
        await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token);
        await rpc.StopAsync(cts.Token);
        await ipc.Completion.WaitAsync(cts.Token);

        // Nothing is left that would queue a client without ever answering it.
        Assert.False(File.Exists(path));
        IOException absent = await Assert.ThrowsAsync<IOException>(() => Devp2p.Cli.Attach.AttachEndpoint.ConnectAsync(ipc.EndPoint, cts.Token));
        Assert.Contains("no IPC endpoint at", absent.Message, StringComparison.Ordinal);

        // A stopped server cannot be served.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => IpcEndpoint.StartAsync(rpc, RpcTestKit.NewUnixSocketPath(), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task UnixSocket_StaleFile_IsReplaced()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The stale-file probe is a Unix concern; Windows AF_UNIX files are reparse points.
        }

        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string path = RpcTestKit.NewUnixSocketPath();

        // What a node killed with SIGKILL leaves: a socket file nobody listens on. .NET unlinks the
        // path it bound on dispose, so the file is moved away from that path first.
        string boundPath = RpcTestKit.NewUnixSocketPath();
        using (var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            crashed.Bind(new UnixDomainSocketEndPoint(boundPath));
            File.Move(boundPath, path);
        }

        await using RpcServer rpc = NewRpcServer();
        await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token);
        await using RpcClient client = await RpcClient.ConnectAsync(ipc.EndPoint, cancellationToken: cts.Token);
        Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
    }

    [Fact]
    public async Task UnixSocket_Failures_HaveClearMessages()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();

        // A regular file at the path is never deleted.
        string file = RpcTestKit.NewUnixSocketPath();
        await File.WriteAllTextAsync(file, "not a socket", cts.Token);
        try
        {
            IOException notSocket = await Assert.ThrowsAsync<IOException>(() => IpcEndpoint.StartAsync(rpc, file, cancellationToken: cts.Token));
            Assert.Contains(file, notSocket.Message, StringComparison.Ordinal);
            Assert.Contains("a file that is not a socket already exists there", notSocket.Message, StringComparison.Ordinal);
            Assert.Equal("not a socket", await File.ReadAllTextAsync(file, cts.Token));
        }
        finally
        {
            File.Delete(file);
        }

        // A live endpoint is not stolen.
        string path = RpcTestKit.NewUnixSocketPath();
        await using (IpcEndpoint live = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token))
        {
            IOException inUse = await Assert.ThrowsAsync<IOException>(() => IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token));
            Assert.Contains("another process is listening on it", inUse.Message, StringComparison.Ordinal);
            await using RpcClient client = await RpcClient.ConnectAsync(live.EndPoint, cancellationToken: cts.Token);
            Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
        }

        // Too long for sockaddr_un.
        string tooLong = Path.Combine(Path.GetTempPath(), new string('d', 120), "devp2p.ipc");
        ArgumentException length = await Assert.ThrowsAsync<ArgumentException>(() => IpcEndpoint.StartAsync(rpc, tooLong, cancellationToken: cts.Token));
        Assert.Contains("this OS allows at most", length.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(tooLong)));
    }

    [Fact]
    public async Task UnixSocket_MissingDirectory_IsCreated()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string directory = Path.Combine(Path.GetTempPath(), "ipc-" + Guid.NewGuid().ToString("N")[..8]);
        string path = Path.Combine(directory, "sub", IpcAddress.DefaultFileName);
        try
        {
            await using RpcServer rpc = NewRpcServer();
            await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: cts.Token);
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task NamedPipe_Serves()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();
        string name = "devp2p-test-" + Guid.NewGuid().ToString("N")[..8];
        await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, IpcAddress.PipePrefix + name, cancellationToken: cts.Token);
        Assert.Equal(name, Assert.IsType<NamedPipeEndPoint>(ipc.EndPoint).PipeName);
        Assert.Equal(@"\\.\pipe\" + name, ipc.Address);
        await using RpcClient client = await RpcClient.ConnectAsync(ipc.EndPoint, cancellationToken: cts.Token);
        Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
    }

    [Fact]
    public async Task LoopbackTcp_Serves_OnThePortPicked()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();
        await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, new IPEndPoint(IPAddress.Loopback, 0), cancellationToken: cts.Token);
        var bound = Assert.IsType<IPEndPoint>(ipc.EndPoint);
        Assert.NotEqual(0, bound.Port);
        Assert.Equal($"tcp://127.0.0.1:{bound.Port}", ipc.Address);
        await using RpcClient client = await RpcClient.ConnectAsync(IpcAddress.Parse(ipc.Address), cancellationToken: cts.Token);
        Assert.Equal("pong", await client.CallAsync("test_ping", s_json.String, cts.Token));
    }

    [Fact]
    public async Task NonLoopbackTcp_AndUnknownEndpoints_AreRefused()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        await using RpcServer rpc = NewRpcServer();
        ArgumentException open = await Assert.ThrowsAsync<ArgumentException>(() => IpcEndpoint.StartAsync(rpc, new IPEndPoint(IPAddress.Any, 0), cancellationToken: cts.Token));
        Assert.Contains("not a loopback address", open.Message, StringComparison.Ordinal);
        ArgumentException http = await Assert.ThrowsAsync<ArgumentException>(() => IpcEndpoint.StartAsync(rpc, "http://127.0.0.1:8545", cancellationToken: cts.Token));
        Assert.Contains("scheme is not supported", http.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => IpcEndpoint.StartAsync(rpc, new DnsEndPoint("localhost", 1), cancellationToken: cts.Token));
    }

    private static RpcServer NewRpcServer()
    {
        var registry = new RpcMethodRegistry();
        registry.Add("test_ping", s_json.String, static _ => ValueTask.FromResult("pong"));
        return new RpcServer(registry);
    }
}
