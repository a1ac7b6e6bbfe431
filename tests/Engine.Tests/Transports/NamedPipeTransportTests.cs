using System.Buffers;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>
/// Named pipes are a Windows transport; .NET also implements them on Unix (over a Unix socket in
/// the temp directory), so these tests run everywhere .NET supports <c>NamedPipeServerStream</c>.
/// </summary>
public sealed class NamedPipeTransportTests
{
    private static NamedPipeEndPoint NewEndPoint() => new("d2p-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task EchoRoundTrip()
    {
        using CancellationTokenSource cts = Timeout();
        NamedPipeEndPoint endPoint = NewEndPoint();
        await using var listener = new NamedPipeTransportListener(endPoint);
        await listener.BindAsync(cts.Token);

        ValueTask<TransportConnection?> accepting = listener.AcceptAsync(cts.Token);
        await using TransportConnection client = await new NamedPipeTransportDialer().ConnectAsync(endPoint, cts.Token);
        TransportConnection? server = await accepting;
        Assert.NotNull(server);
        await using (server)
        {
            Assert.Equal(endPoint, client.RemoteEndPoint);

            // A pipe has no half-close, so read back exactly what was sent instead of to the end.
            Task echo = EchoAsync(server, cts.Token);
            byte[] message = "hello devp2p"u8.ToArray();
            await client.Transport.Output.WriteAsync(message, cts.Token);
            var echoed = new List<byte>();
            while (echoed.Count < message.Length)
            {
                System.IO.Pipelines.ReadResult result = await client.Transport.Input.ReadAsync(cts.Token);
                echoed.AddRange(result.Buffer.ToArray());
                client.Transport.Input.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted && echoed.Count < message.Length, "the pipe ended early");
            }

            Assert.Equal(message, echoed.ToArray());
            await client.CloseAsync(cts.Token);
            await echo;
        }
    }

    [Fact]
    public async Task GracefulClose_PeerReaderCompletesAfterLastBytes()
    {
        using CancellationTokenSource cts = Timeout();
        NamedPipeEndPoint endPoint = NewEndPoint();
        await using var listener = new NamedPipeTransportListener(endPoint);
        await listener.BindAsync(cts.Token);

        ValueTask<TransportConnection?> accepting = listener.AcceptAsync(cts.Token);
        TransportConnection client = await new NamedPipeTransportDialer().ConnectAsync(endPoint, cts.Token);
        TransportConnection? server = await accepting;
        Assert.NotNull(server);
        await using (server)
        {
            await client.Transport.Output.WriteAsync("last words"u8.ToArray(), cts.Token);
            await client.DisposeAsync();
            Assert.Equal("last words"u8.ToArray(), await ReadToEndAsync(server.Transport.Input, cts.Token));
        }
    }

    [Fact]
    public async Task Unbind_MakesPendingAcceptReturnNull()
    {
        using CancellationTokenSource cts = Timeout();
        var listener = new NamedPipeTransportListener(NewEndPoint());
        await listener.BindAsync(cts.Token);

        ValueTask<TransportConnection?> pending = listener.AcceptAsync(cts.Token);
        await listener.UnbindAsync(cts.Token);
        Assert.Null(await pending);
        Assert.Null(await listener.AcceptAsync(cts.Token));
        await listener.DisposeAsync();
    }
}
