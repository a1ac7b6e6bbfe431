using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Devp2p.Bench.Engine;

/// <summary>
/// The limit for <see cref="EngineThroughput"/>: a plain socket pair on the same loopback transport,
/// one send call per message of the same size (the engine also flushes once per message), no
/// framing, no encryption, no pipes; the receiver reads into one reused buffer.
/// </summary>
internal static class RawSocketThroughput
{
    public static async Task<ThroughputResult> RunAsync(string transport, int size, int messages, CancellationToken ct)
    {
        (Socket client, Socket server, string? path) = await ConnectAsync(transport, ct);
        using (client)
        using (server)
        {
            try
            {
                await Measure(client, server, size, Math.Max(messages / 10, 1000), ct);
                return await Measure(client, server, size, messages, ct) with { Transport = transport, Size = size };
            }
            finally
            {
                if (path is not null)
                {
                    File.Delete(path);
                }
            }
        }
    }

    private static async Task<ThroughputResult> Measure(Socket client, Socket server, int size, int messages, CancellationToken ct)
    {
        byte[] payload = new byte[size];
        new Random(42).NextBytes(payload);
        long total = (long)size * messages;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        Task receive = Task.Run(async () =>
        {
            byte[] buffer = new byte[256 * 1024];
            long left = total;
            while (left > 0)
            {
                int n = await server.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), SocketFlags.None, ct);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                left -= n;
            }
        }, ct);
        for (int i = 0; i < messages; i++)
        {
            int sent = 0;
            while (sent < size)
            {
                sent += await client.SendAsync(payload.AsMemory(sent), SocketFlags.None, ct);
            }
        }

        await receive;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new ThroughputResult("", 0, false, messages, elapsed, total, (double)allocated / messages);
    }

    private static async Task<(Socket Client, Socket Server, string? Path)> ConnectAsync(string transport, CancellationToken ct)
    {
        EndPoint endPoint;
        string? path = null;
        Socket listener;
        if (transport == "unix")
        {
            path = Path.Combine(Path.GetTempPath(), "d2p-raw-" + Environment.ProcessId + ".sock");
            File.Delete(path);
            endPoint = new UnixDomainSocketEndPoint(path);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        else
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, 0);
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        }

        using (listener)
        {
            listener.Bind(endPoint);
            listener.Listen(1);
            var client = new Socket(listener.AddressFamily, SocketType.Stream, listener.ProtocolType);
            if (transport != "unix")
            {
                client.NoDelay = true;
            }

            Task<Socket> accept = listener.AcceptAsync(ct).AsTask();
            await client.ConnectAsync(listener.LocalEndPoint!, ct);
            Socket server = await accept;
            if (transport != "unix")
            {
                server.NoDelay = true;
            }

            return (client, server, path);
        }
    }
}
