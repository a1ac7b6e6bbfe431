using System.IO.Pipelines;
using System.Net;
using Devp2p.Transports;
using Xunit;
using static Devp2p.Engine.Tests.Transports.TransportTestKit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>A peer that stops reading must stop the writer: memory per connection stays bounded.</summary>
public sealed class BackPressureTests
{
    private const int Chunk = 64 * 1024;

    [Fact]
    public async Task InMemory_FlushWaitsPastPauseThreshold_AndResumesWhenPeerReads()
    {
        using CancellationTokenSource cts = Timeout();
        var options = new TransportOptions { SendPauseThreshold = Chunk, SendResumeThreshold = Chunk / 2 };
        (TransportConnection client, TransportConnection server) = InMemoryTransport.CreatePair(options);
        await using (client)
        await using (server)
        {
            ValueTask<FlushResult> flush = client.Transport.Output.WriteAsync(new byte[Chunk + 1], cts.Token);
            Assert.False(flush.IsCompleted, "a write past the pause threshold must wait for the reader");

            ReadResult read = await server.Transport.Input.ReadAsync(cts.Token);
            Assert.Equal(Chunk + 1, read.Buffer.Length);
            server.Transport.Input.AdvanceTo(read.Buffer.End);

            FlushResult result = await flush;
            Assert.False(result.IsCompleted);
        }
    }

    [Fact]
    public async Task Tcp_WriterStallsWhilePeerDoesNotRead_ThenAllBytesArrive()
    {
        using CancellationTokenSource cts = Timeout();
        var options = new TransportOptions
        {
            ReceivePauseThreshold = Chunk,
            ReceiveResumeThreshold = Chunk / 2,
            SendPauseThreshold = Chunk,
            SendResumeThreshold = Chunk / 2,
        };
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0), options);
        await listener.BindAsync(cts.Token);
        await using TransportConnection client = await new SocketTransportDialer(options).ConnectAsync(listener.EndPoint, cts.Token);
        TransportConnection? server = await listener.AcceptAsync(cts.Token);
        Assert.NotNull(server);
        await using (server)
        {
            // Kernel socket buffers absorb a few MiB on loopback; past that the pipes must push back.
            const long Bound = 64L * 1024 * 1024;
            long written = 0;
            Task<FlushResult>? stalled = null;
            byte[] chunk = new byte[Chunk];
            while (written < Bound)
            {
                Task<FlushResult> flush = client.Transport.Output.WriteAsync(chunk, cts.Token).AsTask();
                written += Chunk;
                if (await Task.WhenAny(flush, Task.Delay(300, cts.Token)) != flush)
                {
                    stalled = flush;
                    break;
                }
            }

            Assert.NotNull(stalled);

            long received = 0;
            while (received < written)
            {
                ReadResult read = await server.Transport.Input.ReadAsync(cts.Token);
                received += read.Buffer.Length;
                server.Transport.Input.AdvanceTo(read.Buffer.End);
            }

            Assert.Equal(written, received);
            Assert.False((await stalled).IsCompleted);
        }
    }
}
