using System.Net.Sockets;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

public sealed class UnixSocketListenerTests
{
    [Fact]
    public async Task Bind_RemovesStaleSocketFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // The stale-file probe is exercised on Unix; Windows AF_UNIX files are reparse points.
        }

        using CancellationTokenSource cts = Timeout();
        string path = NewUnixSocketPath();

        // Leave a socket file behind the way a crashed process would: bound, never unlinked. .NET
        // unlinks the path it bound on dispose, so move the file away from that path first.
        string boundPath = NewUnixSocketPath();
        using (var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            crashed.Bind(new UnixDomainSocketEndPoint(boundPath));
            File.Move(boundPath, path);
        }

        Assert.True(File.Exists(path));
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
        await listener.BindAsync(cts.Token);

        await using TransportConnection client = await new SocketTransportDialer().ConnectAsync(listener.EndPoint, cts.Token);
        await using TransportConnection? server = await listener.AcceptAsync(cts.Token);
        Assert.NotNull(server);
    }

    [Fact]
    public async Task Bind_NeverDeletesRegularFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using CancellationTokenSource cts = Timeout();
        string path = NewUnixSocketPath();
        await File.WriteAllTextAsync(path, "not a socket", cts.Token);
        try
        {
            await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
            await Assert.ThrowsAsync<IOException>(async () => await listener.BindAsync(cts.Token));
            Assert.Equal("not a socket", await File.ReadAllTextAsync(path, cts.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Bind_RefusesPathOfLiveListener()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using CancellationTokenSource cts = Timeout();
        string path = NewUnixSocketPath();
        await using SocketTransportListener first = SocketTransportListener.ForUnixSocket(path);
        await first.BindAsync(cts.Token);

        await using SocketTransportListener second = SocketTransportListener.ForUnixSocket(path);
        await Assert.ThrowsAsync<IOException>(async () => await second.BindAsync(cts.Token));
        Assert.True(File.Exists(path), "the live listener's socket file must survive");
    }

    [Fact]
    public async Task Bind_RestrictsFileToOwner_AndUnbindDeletesIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permission bits do not exist on Windows.
        }

        using CancellationTokenSource cts = Timeout();
        string path = NewUnixSocketPath();
        SocketTransportListener listener = SocketTransportListener.ForUnixSocket(path);
        await listener.BindAsync(cts.Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        await listener.UnbindAsync(cts.Token);
        Assert.False(File.Exists(path));
        await listener.DisposeAsync();
    }

    [Fact]
    public void OverlongPath_ThrowsArgumentExceptionNamingTheLimit()
    {
        int limit = OperatingSystem.IsMacOS() ? 104 : 108;

        // limit - 1 bytes plus the NUL fits exactly; one more byte does not. GetTempPath ends with a separator.
        string fits = Path.Combine(Path.GetTempPath(), new string('a', limit - 1 - Path.GetTempPath().Length));
        Assert.Equal(limit - 1, System.Text.Encoding.UTF8.GetByteCount(fits));
        string tooLong = fits + "b";

        ArgumentException ex = Assert.Throws<ArgumentException>(() => SocketTransportListener.ForUnixSocket(tooLong));
        Assert.Contains(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);

        SocketTransportListener ok = SocketTransportListener.ForUnixSocket(fits);
        Assert.Equal(fits, ok.EndPoint.ToString());
    }
}
