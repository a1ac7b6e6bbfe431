using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Devp2p.Bench.Engine;

namespace Devp2p.Bench.Ipc;

/// <summary>
/// The floor for IPC round trips: a plain Unix socket pair in this process, one side echoing, the
/// other sending <c>size</c> bytes and waiting for them to come back; no framing, no JSON. Once
/// with blocking calls (a thread per side) and once with async calls (the style the engine uses).
/// </summary>
internal static class RawUnixPingPong
{
    public static async Task<JsonObject> RunAsync(int size, int count, CancellationToken ct)
    {
        return new JsonObject
        {
            ["blocking"] = await MeasureAsync(size, count, blocking: true, ct),
            ["async"] = await MeasureAsync(size, count, blocking: false, ct),
        };
    }

    private static async Task<JsonObject> MeasureAsync(int size, int count, bool blocking, CancellationToken ct)
    {
        string path = Path.Combine(Path.GetTempPath(), $"d2p-bench-raw-{Environment.ProcessId}.sock");
        File.Delete(path);
        var endPoint = new UnixDomainSocketEndPoint(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endPoint);
        listener.Listen(1);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(endPoint, ct);
        using Socket server = await listener.AcceptAsync(ct);
        File.Delete(path);

        int warmup = Math.Max(count / 5, 1000);
        Task echo = blocking
            ? Task.Factory.StartNew(() => EchoBlocking(server, size, warmup + count), TaskCreationOptions.LongRunning)
            : EchoAsync(server, size, warmup + count, ct);
        byte[] payload = new byte[size];
        new Random(7).NextBytes(payload);
        byte[] buffer = new byte[size];
        long[] samples = new long[count];
        for (int i = 0; i < warmup + count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            if (blocking)
            {
                client.Send(payload);
                for (int received = 0; received < size;)
                {
                    received += Check(client.Receive(buffer, received, size - received, SocketFlags.None));
                }
            }
            else
            {
                await client.SendAsync(payload, SocketFlags.None, ct);
                for (int received = 0; received < size;)
                {
                    received += Check(await client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, ct));
                }
            }

            if (i >= warmup)
            {
                samples[i - warmup] = Stopwatch.GetTimestamp() - start;
            }
        }

        await echo;
        return RttStats.ToJson(samples);
    }

    private static void EchoBlocking(Socket socket, int size, int count)
    {
        byte[] buffer = new byte[size];
        for (int i = 0; i < count; i++)
        {
            for (int received = 0; received < size;)
            {
                received += Check(socket.Receive(buffer, received, size - received, SocketFlags.None));
            }

            socket.Send(buffer);
        }
    }

    private static async Task EchoAsync(Socket socket, int size, int count, CancellationToken ct)
    {
        byte[] buffer = new byte[size];
        for (int i = 0; i < count; i++)
        {
            for (int received = 0; received < size;)
            {
                received += Check(await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, ct));
            }

            await socket.SendAsync(buffer, SocketFlags.None, ct);
        }
    }

    private static int Check(int n) => n > 0 ? n : throw new EndOfStreamException("raw echo closed");
}
