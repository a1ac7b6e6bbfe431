using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

public sealed class SocketTransportTests
{
    private static readonly SocketTransportDialer s_dialer = new();

    [Fact]
    public async Task EchoRoundTrip_TcpIPv4()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        await RunSmallEchoAsync(listener, cts.Token);
    }

    [Fact]
    public async Task EchoRoundTrip_TcpIPv6()
    {
        using CancellationTokenSource cts = Timeout();
        SocketTransportListener? listener = await TryBindIPv6LoopbackAsync(cts.Token);
        if (listener is null)
        {
            // No IPv6 loopback on this machine (common in containers): nothing to exercise.
            return;
        }

        await using (listener)
        {
            Assert.Equal(AddressFamily.InterNetworkV6, listener.EndPoint.AddressFamily);
            await RunSmallEchoAsync(listener, cts.Token);
        }
    }

    [Fact]
    public async Task EchoRoundTrip_UnixSocket()
    {
        using CancellationTokenSource cts = Timeout();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(NewUnixSocketPath());
        await listener.BindAsync(cts.Token);
        await RunSmallEchoAsync(listener, cts.Token);
    }

    [Fact]
    public async Task LargeTransfer_TcpIPv4_RandomChunks_ContentVerified()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        await RunLargeEchoAsync(listener, cts.Token);
    }

    [Fact]
    public async Task LargeTransfer_UnixSocket_RandomChunks_ContentVerified()
    {
        using CancellationTokenSource cts = Timeout();
        await using SocketTransportListener listener = SocketTransportListener.ForUnixSocket(NewUnixSocketPath());
        await listener.BindAsync(cts.Token);
        await RunLargeEchoAsync(listener, cts.Token);
    }

    [Fact]
    public async Task GracefulClose_PeerReaderCompletesAfterLastBytes()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);

        TransportConnection client = await s_dialer.ConnectAsync(listener.EndPoint, cts.Token);
        TransportConnection? server = await listener.AcceptAsync(cts.Token);
        Assert.NotNull(server);
        await using (server)
        {
            await client.Transport.Output.WriteAsync("last words"u8.ToArray(), cts.Token);
            await client.DisposeAsync();
            await client.Closed.WaitAsync(cts.Token);

            byte[] received = await ReadToEndAsync(server.Transport.Input, cts.Token);
            Assert.Equal("last words"u8.ToArray(), received);
        }

        await server.Closed.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task Abort_PeerSeesReset_LocalReaderGetsReason()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);

        TransportConnection client = await s_dialer.ConnectAsync(listener.EndPoint, cts.Token);
        TransportConnection? server = await listener.AcceptAsync(cts.Token);
        Assert.NotNull(server);
        await using (server)
        {
            ValueTask<ReadResult> pendingLocalRead = client.Transport.Input.ReadAsync(cts.Token);
            var reason = new InvalidDataException("bad frame");
            client.Abort(reason);

            InvalidDataException local = await Assert.ThrowsAsync<InvalidDataException>(async () => await pendingLocalRead);
            Assert.Same(reason, local);

            // Linger 0 turns the close into RST, which the peer reports as a reset, not a clean end.
            await Assert.ThrowsAsync<ConnectionResetException>(() => ReadToEndAsync(server.Transport.Input, cts.Token));
            await client.Closed.WaitAsync(cts.Token);
            await client.DisposeAsync();
        }

        await server.Closed.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task EndPoints_AreReportedOnBothSides()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        var bound = Assert.IsType<IPEndPoint>(listener.EndPoint);
        Assert.NotEqual(0, bound.Port);

        await using TransportConnection client = await s_dialer.ConnectAsync(bound, cts.Token);
        TransportConnection? server = await listener.AcceptAsync(cts.Token);
        Assert.NotNull(server);
        await using (server)
        {
            Assert.Equal(bound, client.RemoteEndPoint);
            Assert.Equal(bound, server.LocalEndPoint);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
            Assert.Equal(IPAddress.Loopback, Assert.IsType<IPEndPoint>(client.LocalEndPoint).Address);
        }
    }

    [Fact]
    public async Task Unbind_MakesPendingAndLaterAcceptReturnNull()
    {
        using CancellationTokenSource cts = Timeout();
        var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        var endPoint = (IPEndPoint)listener.EndPoint;

        ValueTask<TransportConnection?> pending = listener.AcceptAsync(cts.Token);
        await listener.UnbindAsync(cts.Token);

        Assert.Null(await pending);
        Assert.Null(await listener.AcceptAsync(cts.Token));

        // The port is released: nothing accepts there any more.
        await Assert.ThrowsAsync<SocketException>(async () => await s_dialer.ConnectAsync(endPoint, cts.Token));
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task BindTwice_Throws()
    {
        using CancellationTokenSource cts = Timeout();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await listener.BindAsync(cts.Token));
    }

    [Fact]
    public async Task Dialer_RejectsUnsupportedEndPoint()
    {
        using CancellationTokenSource cts = Timeout();
        await Assert.ThrowsAsync<ArgumentException>(
            async () => await s_dialer.ConnectAsync(new DnsEndPoint("localhost", 30303), cts.Token));
    }

    private static async Task RunSmallEchoAsync(SocketTransportListener listener, CancellationToken ct)
    {
        await using TransportConnection client = await s_dialer.ConnectAsync(listener.EndPoint, ct);
        TransportConnection? server = await listener.AcceptAsync(ct);
        Assert.NotNull(server);
        await using (server)
        {
            Task echo = EchoAsync(server, ct);
            await AssertSmallEchoAsync(client, ct);
            await echo;
        }
    }

    private static async Task RunLargeEchoAsync(SocketTransportListener listener, CancellationToken ct)
    {
        await using TransportConnection client = await s_dialer.ConnectAsync(listener.EndPoint, ct);
        TransportConnection? server = await listener.AcceptAsync(ct);
        Assert.NotNull(server);
        await using (server)
        {
            Task echo = EchoAsync(server, ct);
            await AssertLargeEchoAsync(client, ct);
            await echo;
        }
    }
}
