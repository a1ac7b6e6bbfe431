using System.Net;
using System.Net.Sockets;
using Devp2p.Cli.Attach;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>Which endpoint attach uses, and the one-line message when nothing serves it.</summary>
public sealed class AttachEndpointTests
{
    [Fact]
    public void Resolve_DefaultsToDevp2pIpc_InTheDataDirectory()
    {
        string dataDir = Path.Combine(Path.GetTempPath(), "dd");
        EndPoint endPoint = AttachEndpoint.Resolve(null, dataDir);
        Assert.Equal(IpcAddress.ForDataDir(dataDir).ToString(), endPoint.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Path.Combine(dataDir, "devp2p.ipc"), Assert.IsType<UnixDomainSocketEndPoint>(endPoint).ToString());
        }
    }

    [Fact]
    public void Resolve_TakesTheEndpointGiven_OrSaysWhyNot()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 8546), AttachEndpoint.Resolve("tcp://127.0.0.1:8546", "/ignored"));
        Assert.Equal("x.ipc", AttachEndpoint.Resolve("x.ipc", null).ToString());
        FormatException ex = Assert.Throws<FormatException>(() => AttachEndpoint.Resolve("http://127.0.0.1:8545", null));
        Assert.Contains("the http scheme is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoFile_SaysNoEndpoint()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string path = RpcTestKit.NewUnixSocketPath();
        IOException ex = await Assert.ThrowsAsync<IOException>(() => AttachEndpoint.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token));
        Assert.Equal($"no IPC endpoint at {path}: is `devp2p node` running?", ex.Message);
    }

    [Fact]
    public async Task Connect_StaleSocketFile_SaysNoEndpoint()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Built by moving a bound socket file, which is how Unix leaves one behind.
        }

        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string path = RpcTestKit.NewUnixSocketPath();
        string boundPath = RpcTestKit.NewUnixSocketPath();
        using (var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            crashed.Bind(new UnixDomainSocketEndPoint(boundPath));
            File.Move(boundPath, path);
        }

        try
        {
            IOException ex = await Assert.ThrowsAsync<IOException>(() => AttachEndpoint.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token));
            Assert.Equal($"no IPC endpoint at {path}: is `devp2p node` running?", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Connect_TcpPortNobodyListensOn_SaysNoEndpoint()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        IOException ex = await Assert.ThrowsAsync<IOException>(() => AttachEndpoint.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token));
        Assert.Equal($"no IPC endpoint at tcp://127.0.0.1:{port}: is `devp2p node` running?", ex.Message);
    }

    [Fact]
    public async Task Connect_LiveEndpoint_GivesAClient()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var registry = new RpcMethodRegistry();
        await using var rpc = new RpcServer(registry);
        await using IpcEndpoint ipc = await IpcEndpoint.StartAsync(rpc, RpcTestKit.NewUnixSocketPath(), cancellationToken: cts.Token);
        await using RpcClient client = await AttachEndpoint.ConnectAsync(AttachEndpoint.Resolve(ipc.Address, null), cts.Token);
        IReadOnlyDictionary<string, string> modules = await client.CallAsync("rpc_modules", RpcJsonContext.Default.DictionaryStringString, cts.Token);
        Assert.Equal("1.0", modules["rpc"]);
    }
}
