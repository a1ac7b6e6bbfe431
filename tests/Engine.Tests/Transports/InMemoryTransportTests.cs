using System.IO.Pipelines;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

public sealed class InMemoryTransportTests
{
    [Fact]
    public async Task EchoRoundTrip()
    {
        using CancellationTokenSource cts = Timeout();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair();
        await using (client)
        await using (server)
        {
            Task echo = EchoAsync(server, cts.Token);
            await AssertSmallEchoAsync(client, cts.Token);
            await echo;
        }
    }

    [Fact]
    public async Task LargeTransfer_RandomChunks_ContentVerified()
    {
        using CancellationTokenSource cts = Timeout();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair();
        await using (client)
        await using (server)
        {
            Task echo = EchoAsync(server, cts.Token);
            await AssertLargeEchoAsync(client, cts.Token);
            await echo;
        }
    }

    [Fact]
    public async Task GracefulClose_PeerReaderCompletesAfterLastBytes()
    {
        using CancellationTokenSource cts = Timeout();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair();
        await using (server)
        {
            await client.Transport.Output.WriteAsync("last words"u8.ToArray(), cts.Token);
            await client.DisposeAsync();
            Assert.True(client.Closed.IsCompleted);

            Assert.Equal("last words"u8.ToArray(), await ReadToEndAsync(server.Transport.Input, cts.Token));

            // The closed side stopped reading, so the peer's flush reports completion instead of waiting.
            FlushResult flush = await server.Transport.Output.WriteAsync(new byte[1], cts.Token);
            Assert.True(flush.IsCompleted);
        }
    }

    [Fact]
    public async Task Abort_PeerSeesReset_LocalReaderGetsReason()
    {
        using CancellationTokenSource cts = Timeout();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair();
        await using (server)
        {
            ValueTask<ReadResult> pendingLocalRead = client.Transport.Input.ReadAsync(cts.Token);
            var reason = new InvalidDataException("bad frame");
            client.Abort(reason);

            Assert.Same(reason, await Assert.ThrowsAsync<InvalidDataException>(async () => await pendingLocalRead));
            await Assert.ThrowsAsync<ConnectionResetException>(() => ReadToEndAsync(server.Transport.Input, cts.Token));
            Assert.True(client.Closed.IsCompleted);
            await client.DisposeAsync();
        }
    }

    [Fact]
    public void EndPoints_NameEachEnd()
    {
        (TransportConnection first, TransportConnection second) = InMemoryTransport.CreatePair();
        Assert.Equal(first.LocalEndPoint, second.RemoteEndPoint);
        Assert.Equal(second.LocalEndPoint, first.RemoteEndPoint);
        Assert.NotEqual(first.LocalEndPoint, first.RemoteEndPoint);
    }
}
