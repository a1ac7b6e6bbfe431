using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Transports;

/// <summary>Shared helpers: bounded timeouts, an echo peer, and pipe read/write utilities.</summary>
internal static class TransportTestKit
{
    /// <summary>Upper bound for any one test; each finishes in well under a second when healthy.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(5);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    public static string NewUnixSocketPath() =>
        Path.Combine(Path.GetTempPath(), "d2p-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    /// <summary>Binds a listener on [::1]:0, or returns null where the OS has no IPv6 loopback.</summary>
    public static async Task<SocketTransportListener?> TryBindIPv6LoopbackAsync(CancellationToken ct)
    {
        if (!Socket.OSSupportsIPv6)
        {
            return null;
        }

        var listener = new SocketTransportListener(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        try
        {
            await listener.BindAsync(ct);
            return listener;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A bound socket listener on <paramref name="endPoint"/> (127.0.0.1:0 when null) and a connection
    /// dialled to it with its accepted side; the caller disposes all three.
    /// </summary>
    public static async Task<(SocketTransportListener Listener, TransportConnection Client, TransportConnection Server)> ConnectLoopbackPairAsync(
        TransportOptions options, CancellationToken ct, EndPoint? endPoint = null)
    {
        var listener = new SocketTransportListener(endPoint ?? new IPEndPoint(IPAddress.Loopback, 0), options);
        await listener.BindAsync(ct);
        ValueTask<TransportConnection?> accept = listener.AcceptAsync(ct);
        TransportConnection client = await new SocketTransportDialer(options).ConnectAsync(listener.EndPoint, ct);
        TransportConnection server = await accept ?? throw new InvalidOperationException("the listener stopped before accepting");
        return (listener, client, server);
    }

    /// <summary>Copies everything read from the connection back to it, then closes it gracefully.</summary>
    public static async Task EchoAsync(TransportConnection connection, CancellationToken ct)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                output.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            await output.FlushAsync(ct);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await connection.CloseAsync(ct);
    }

    /// <summary>Reads until the peer ends the stream and returns every byte.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader input, CancellationToken ct)
    {
        var all = new ArrayBufferWriter<byte>();
        while (true)
        {
            ReadResult result = await input.ReadAsync(ct);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.WrittenSpan.ToArray();
            }
        }
    }

    /// <summary>Writes <paramref name="data"/> in random chunk sizes, flushing after each chunk.</summary>
    public static async Task WriteInRandomChunksAsync(PipeWriter output, byte[] data, Random random, CancellationToken ct)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            int size = Math.Min(random.Next(1, 64 * 1024), data.Length - offset);
            data.AsSpan(offset, size).CopyTo(output.GetSpan(size));
            output.Advance(size);
            FlushResult flush = await output.FlushAsync(ct);
            Assert.False(flush.IsCompleted, "the peer stopped reading before all data was sent");
            offset += size;
        }
    }

    /// <summary>
    /// Sends 8 MiB of seeded random bytes in random chunks through an echo peer and checks that the
    /// same bytes come back in order.
    /// </summary>
    public static async Task AssertLargeEchoAsync(TransportConnection client, CancellationToken ct)
    {
        const int Size = 8 * 1024 * 1024;
        var random = new Random(20261122);
        byte[] data = new byte[Size];
        random.NextBytes(data);

        Task<byte[]> reading = ReadToEndAsync(client.Transport.Input, ct);
        await WriteInRandomChunksAsync(client.Transport.Output, data, random, ct);
        await client.Transport.Output.CompleteAsync();

        byte[] echoed = await reading;
        Assert.Equal(Size, echoed.Length);
        Assert.True(data.AsSpan().SequenceEqual(echoed), "echoed bytes differ from the bytes sent");
    }

    /// <summary>Sends a short message, expects it back, and checks the stream then ends cleanly.</summary>
    public static async Task AssertSmallEchoAsync(TransportConnection client, CancellationToken ct)
    {
        byte[] message = "hello devp2p"u8.ToArray();
        await client.Transport.Output.WriteAsync(message, ct);
        await client.Transport.Output.CompleteAsync();
        byte[] echoed = await ReadToEndAsync(client.Transport.Input, ct);
        Assert.Equal(message, echoed);
    }
}
