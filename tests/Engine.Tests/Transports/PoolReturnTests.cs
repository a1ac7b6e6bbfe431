using System.Buffers;
using System.IO.Pipelines;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>Whoever rents returns: after both ends close, every pipe segment is back in the pool.</summary>
public sealed class PoolReturnTests
{
    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    public async Task An_idle_connection_holds_a_receive_block_per_side_unless_it_waits_for_data(bool waitForData, int expectedBlocks)
    {
        using CancellationTokenSource cts = Timeout();
        var pool = new CountingMemoryPool();
        var options = new TransportOptions { MemoryPool = pool, WaitForDataBeforeAllocatingBuffer = waitForData };
        (SocketTransportListener listener, TransportConnection client, TransportConnection server) = await ConnectLoopbackPairAsync(options, cts.Token);
        await using var _ = listener;

        // One message each way, then idle: the receive loops are parked on their next receive.
        await client.Transport.Output.WriteAsync(new byte[] { 1 }, cts.Token);
        await ReadExactlyAsync(server.Transport.Input, 1, cts.Token);
        await server.Transport.Output.WriteAsync(new byte[] { 2 }, cts.Token);
        await ReadExactlyAsync(client.Transport.Input, 1, cts.Token);
        await Task.Delay(50, cts.Token);
        Assert.Equal(expectedBlocks, pool.Outstanding);

        await client.DisposeAsync();
        await server.DisposeAsync();
        Assert.Equal(0, pool.Outstanding);

        static async Task ReadExactlyAsync(PipeReader input, int count, CancellationToken ct)
        {
            ReadResult result = await input.ReadAtLeastAsync(count, ct);
            input.AdvanceTo(result.Buffer.End);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TcpConnection_ReturnsAllBlocks_AfterGracefulClose(bool waitForData)
    {
        using CancellationTokenSource cts = Timeout();
        var pool = new CountingMemoryPool();
        var options = new TransportOptions { MemoryPool = pool, WaitForDataBeforeAllocatingBuffer = waitForData };
        (SocketTransportListener listener, TransportConnection client, TransportConnection server) = await ConnectLoopbackPairAsync(options, cts.Token);
        await using var _ = listener;

        Task echo = EchoAsync(server, cts.Token);
        await AssertLargeEchoAsync(client, cts.Token);
        await echo;
        await client.DisposeAsync();
        await server.Closed.WaitAsync(cts.Token);
        await client.Closed.WaitAsync(cts.Token);

        Assert.True(pool.Rented > 0, "the transfer should have used the pool");
        Assert.Equal(0, pool.Outstanding);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TcpConnection_ReturnsAllBlocks_AfterAbort(bool waitForData)
    {
        using CancellationTokenSource cts = Timeout();
        var pool = new CountingMemoryPool();
        var options = new TransportOptions { MemoryPool = pool, WaitForDataBeforeAllocatingBuffer = waitForData };
        (SocketTransportListener listener, TransportConnection client, TransportConnection server) = await ConnectLoopbackPairAsync(options, cts.Token);
        await using var _ = listener;

        // Leave unread data in the server's input pipe and unsent data in the client's output pipe.
        await client.Transport.Output.WriteAsync(new byte[100_000], cts.Token);
        await Task.Delay(50, cts.Token);
        client.Transport.Output.Write(new byte[10]);
        client.Abort();

        await Assert.ThrowsAnyAsync<IOException>(() => ReadToEndAsync(server.Transport.Input, cts.Token));
        await server.DisposeAsync();
        await client.DisposeAsync();

        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task InMemoryPair_ReturnsAllBlocks_AfterGracefulClose()
    {
        using CancellationTokenSource cts = Timeout();
        var pool = new CountingMemoryPool();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair(new TransportOptions { MemoryPool = pool });

        Task echo = EchoAsync(server, cts.Token);
        await AssertLargeEchoAsync(client, cts.Token);
        await echo;
        await client.DisposeAsync();

        Assert.True(pool.Rented > 0, "the transfer should have used the pool");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task InMemoryPair_ReturnsAllBlocks_AfterAbort()
    {
        using CancellationTokenSource cts = Timeout();
        var pool = new CountingMemoryPool();
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair(new TransportOptions { MemoryPool = pool });

        // Unread data both ways when the client aborts.
        await client.Transport.Output.WriteAsync(new byte[20_000], cts.Token);
        await server.Transport.Output.WriteAsync(new byte[20_000], cts.Token);
        client.Abort();

        await Assert.ThrowsAsync<ConnectionResetException>(() => ReadToEndAsync(server.Transport.Input, cts.Token));
        await server.DisposeAsync();
        await client.DisposeAsync();

        Assert.True(pool.Rented > 0, "the writes should have used the pool");
        Assert.Equal(0, pool.Outstanding);
    }
}
