using System.Net;
using System.Net.Sockets;
using Devp2p.Ipc.Admin;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>Endpoint names: socket paths, named pipes, tcp://host:port, and geth's --ipcpath resolution.</summary>
public sealed class IpcAddressTests
{
    [Theory]
    [InlineData("/tmp/devp2p.ipc")]
    [InlineData("devp2p.ipc")]
    [InlineData("relative/dir/devp2p.ipc")]
    [InlineData("1:2")]
    [InlineData("node:30303")]
    [InlineData("/var/run/a:8545")]
    public void Parse_AnythingElse_IsAUnixSocketPath(string text)
    {
        var endPoint = Assert.IsType<UnixDomainSocketEndPoint>(IpcAddress.Parse(text));
        Assert.Equal(text, endPoint.ToString());
        Assert.Equal(text, IpcAddress.Format(endPoint));
    }

    [Theory]
    [InlineData(@"\\.\pipe\devp2p.ipc", "devp2p.ipc")]
    [InlineData(@"\\.\PIPE\geth.ipc", "geth.ipc")]
    public void Parse_PipePrefix_IsANamedPipe(string text, string name)
    {
        var pipe = Assert.IsType<NamedPipeEndPoint>(IpcAddress.Parse(text));
        Assert.Equal(name, pipe.PipeName);
        Assert.Equal(@"\\.\pipe\" + name, IpcAddress.Format(pipe));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:8546", "127.0.0.1", 8546)]
    [InlineData("TCP://127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("127.0.0.1:8546", "127.0.0.1", 8546)]
    [InlineData("localhost:8546", "127.0.0.1", 8546)]
    [InlineData("tcp://localhost:65535", "127.0.0.1", 65535)]
    [InlineData("[::1]:8546", "::1", 8546)]
    [InlineData("tcp://[::1]:8546", "::1", 8546)]
    [InlineData("10.1.2.3:30303", "10.1.2.3", 30303)]
    public void Parse_HostPort_IsTcp(string text, string ip, int port)
    {
        var endPoint = Assert.IsType<IPEndPoint>(IpcAddress.Parse(text));
        Assert.Equal(IPAddress.Parse(ip), endPoint.Address);
        Assert.Equal(port, endPoint.Port);
        Assert.Equal(endPoint, IpcAddress.Parse(IpcAddress.Format(endPoint)));
        Assert.StartsWith("tcp://", IpcAddress.Format(endPoint), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the IPC endpoint is empty")]
    [InlineData("   ", "the IPC endpoint is empty")]
    [InlineData(@"\\.\pipe\", "has no name")]
    [InlineData("http://127.0.0.1:8545", "the http scheme is not supported")]
    [InlineData("ws://127.0.0.1:8546", "the ws scheme is not supported")]
    [InlineData("tcp://127.0.0.1", "is not a TCP endpoint")]
    [InlineData("tcp://127.0.0.1:0", "is not a TCP endpoint")]
    [InlineData("tcp://127.0.0.1:65536", "is not a TCP endpoint")]
    [InlineData("tcp://example.org:80", "is not a TCP endpoint")]
    [InlineData("tcp://::1:80", "is not a TCP endpoint")]
    public void Parse_Refuses_WithAReason(string text, string reason)
    {
        Assert.False(IpcAddress.TryParse(text, out EndPoint? endPoint, out string? error));
        Assert.Null(endPoint);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        FormatException ex = Assert.Throws<FormatException>(() => IpcAddress.Parse(text));
        Assert.Equal(error, ex.Message);
    }

    [Fact]
    public void Parse_TooLongSocketPath_NamesTheLimit()
    {
        string path = "/tmp/" + new string('d', 120) + "/devp2p.ipc";
        Assert.False(IpcAddress.TryParse(path, out _, out string? error));
        Assert.Contains("this OS allows at most", error, StringComparison.Ordinal);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ForDataDir_ResolvesAsGeth()
    {
        if (OperatingSystem.IsWindows())
        {
            // geth on Windows: every IPC path is a named pipe.
            Assert.Equal("devp2p.ipc", Assert.IsType<NamedPipeEndPoint>(IpcAddress.ForDataDir(@"C:\data")).PipeName);
            Assert.Equal("x.ipc", Assert.IsType<NamedPipeEndPoint>(IpcAddress.ForDataDir(@"C:\data", "x.ipc")).PipeName);
            return;
        }

        // A bare name lives in the data directory; an explicit path escapes it.
        Assert.Equal("/data/devp2p.ipc", IpcAddress.ForDataDir("/data").ToString());
        Assert.Equal("/data/other.ipc", IpcAddress.ForDataDir("/data", "other.ipc").ToString());
        Assert.Equal("/run/x.ipc", IpcAddress.ForDataDir("/data", "/run/x.ipc").ToString());
        Assert.Equal("sub/x.ipc", IpcAddress.ForDataDir("/data", "sub/x.ipc").ToString());
        Assert.Equal(Path.Combine(Path.GetTempPath(), "x.ipc"), IpcAddress.ForDataDir(null, "x.ipc").ToString());
        Assert.Equal("p", Assert.IsType<NamedPipeEndPoint>(IpcAddress.ForDataDir("/data", @"\\.\pipe\p")).PipeName);
    }

    [Fact]
    public void ForDataDir_TooLong_IsAnArgumentException_NamingTheLimit()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Pipes have no such limit.
        }

        ArgumentException ex = Assert.Throws<ArgumentException>(() => IpcAddress.ForDataDir("/tmp/" + new string('d', 120)));
        Assert.Contains("this OS allows at most", ex.Message, StringComparison.Ordinal);
    }
}
