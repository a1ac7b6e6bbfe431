using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Devp2p.Bench.Engine;
using Devp2p.Ipc.NodeIpc;

namespace Devp2p.Bench.Ipc;

/// <summary>
/// node-ipc compatible messaging, measured the way tests/Interop/nodeipc/bench.js measures
/// node-ipc 9.2.1: over a Unix socket under /tmp, the client emits N messages of type "m" whose
/// data is a 100-character string and the server answers "done" after the last (client to
/// server); the server floods N such messages to the client (server to client); then sequential
/// round trips of a small "ping" echoed as "pong". Ours runs server and client in one process;
/// bench.js runs the node-ipc server in a forked child, the client in the parent.
/// </summary>
internal static class NodeIpcBench
{
    /// <summary>Data characters per message (the 100-byte data).</summary>
    public const int DataChars = 100;

    /// <summary>Bytes of one round-trip message on the wire, for the raw floor: <c>{"type":"ping","data":"x"}\f</c> with 8 data chars.</summary>
    public const int RoundTripBytes = 35;

    /// <summary>How long each throughput direction runs unmeasured first (both implementations).</summary>
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1);

    public static async Task<JsonObject> RunOursAsync(int messages, int roundTrips, CancellationToken ct)
    {
        string id = $"d2pbench{Environment.ProcessId}";
        var config = new NodeIpcConfig { Id = id, Silent = true, MaxRetries = 0 };
        string payload = new('y', DataChars);
        int received = 0;
        int expected = 0;
        await using var server = new NodeIpcServer(config);
        server.On("expect", (data, socket) =>
        {
            expected = data.GetInt32();
            received = 0;
        });
        server.On("m", async (data, socket, token) =>
        {
            if (++received == expected)
            {
                await server.EmitAsync(socket, "done", token);
            }
        });
        server.On("ping", async (data, socket, token) => await server.EmitAsync(socket, "pong", data, token));
        server.On("flood", async (data, socket, token) =>
        {
            int n = data.GetInt32();
            for (int i = 0; i < n; i++)
            {
                await server.EmitAsync(socket, "m", payload, token);
            }
        });
        await server.ServeAsync(ct);

        await using var client = new NodeIpcClient(config);
        TaskCompletionSource done = New();
        TaskCompletionSource pong = New();
        int clientReceived = 0;
        int clientExpected = 0;
        client.On("done", _ => done.TrySetResult());
        client.On("pong", _ => pong.TrySetResult());
        client.On("m", _ =>
        {
            if (++clientReceived == clientExpected)
            {
                done.TrySetResult();
            }
        });
        await client.ConnectToAsync(id, ct);

        async Task<double> ClientToServer(int n)
        {
            done = New();
            await client.EmitAsync("expect", JsonSerializer.SerializeToElement(n), ct);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                await client.EmitAsync("m", payload, ct);
            }

            await done.Task.WaitAsync(ct);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        async Task<double> ServerToClient(int n)
        {
            done = New();
            clientReceived = 0;
            clientExpected = n;
            long start = Stopwatch.GetTimestamp();
            await client.EmitAsync("flood", JsonSerializer.SerializeToElement(n), ct);
            await done.Task.WaitAsync(ct);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        // Unmeasured rounds until WarmUpTime has passed: the runtime promotes hot methods to
        // optimized code only after a delay, so a short warm-up would measure tier-0 code (bench.js
        // warms node-ipc up the same way).
        async Task WarmUp(Func<int, Task<double>> run)
        {
            long until = Stopwatch.GetTimestamp() + (long)(WarmUpTime.TotalSeconds * Stopwatch.Frequency);
            do
            {
                await run(Math.Max(messages / 5, 1000));
            }
            while (Stopwatch.GetTimestamp() < until);
        }

        await WarmUp(ClientToServer);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        double c2s = await ClientToServer(messages);
        long allocatedC2s = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await WarmUp(ServerToClient);
        double s2c = await ServerToClient(messages);

        int warmup = Math.Max(roundTrips / 5, 500);
        long[] samples = new long[roundTrips];
        for (int i = 0; i < warmup + roundTrips; i++)
        {
            pong = New();
            long start = Stopwatch.GetTimestamp();
            await client.EmitAsync("ping", "12345678", ct);
            await pong.Task.WaitAsync(ct);
            if (i >= warmup)
            {
                samples[i - warmup] = Stopwatch.GetTimestamp() - start;
            }
        }

        return new JsonObject
        {
            ["messages"] = messages,
            ["dataChars"] = DataChars,
            ["clientToServer"] = Rate(messages, c2s),
            ["serverToClient"] = Rate(messages, s2c),
            ["bytesAllocatedPerMessageClientToServer"] = (double)allocatedC2s / messages,
            ["rtt"] = RttStats.ToJson(samples),
        };
    }

    public static async Task<JsonNode?> RunNodeIpcAsync(string? script, int messages, int roundTrips, CancellationToken ct)
    {
        script ??= Path.Combine("tests", "Interop", "nodeipc", "bench.js");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (string a in new[] { "--messages", messages.ToString(), "--size", DataChars.ToString(), "--rtt", roundTrips.ToString(), "--warmup", Math.Max(roundTrips / 5, 500).ToString() })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        using CancellationTokenRegistration kill = ct.Register(() => process.Kill(entireProcessTree: true));
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        string stdout = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench.js exited with {process.ExitCode}: {await stderr}");
        }

        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return JsonNode.Parse(line);
    }

    private static JsonObject Rate(int messages, double seconds) => new()
    {
        ["seconds"] = seconds,
        ["msgsPerSec"] = messages / seconds,
    };

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
