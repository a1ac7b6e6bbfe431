using System.Text.Json;
using System.Text.Json.Nodes;

namespace Devp2p.Bench.Ipc;

/// <summary>
/// <c>dotnet run -c Release --project bench -- ipc [--quick] [--out FILE]</c> (scripts/bench-ipc):
/// the figures of perf-results/ipc.md as one JSON document: JSON-RPC admin_nodeInfo round trips
/// over the Unix socket, node-ipc compatible messaging (ours and node-ipc 9.2.1 in Node, same run)
/// and a raw Unix socket ping-pong as the floor.
/// </summary>
internal static class IpcBenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? outFile = Option(args, "--out");
        int divisor = quick ? 10 : 1;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));

        if (args.Contains("ours"))
        {
            // Only our node-ipc compatible path, for profilers.
            Console.WriteLine((await NodeIpcBench.RunOursAsync(1_000_000, 1000, cts.Token)).ToJsonString());
            return 0;
        }

        if (args.Contains("trace"))
        {
            // Which types the node-ipc compatible path allocates: sampled AllocationTick events.
            using var tracer = new Engine.AllocationTracer();
            Console.WriteLine((await NodeIpcBench.RunOursAsync(200_000, 1000, cts.Token)).ToJsonString());
            foreach (var (type, count) in tracer.ByType.OrderByDescending(p => p.Value).Take(25))
            {
                Console.WriteLine($"{count,6} x ~100 KB  {type}");
            }

            return 0;
        }

        var result = new JsonObject { ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription };
        Progress("JSON-RPC admin_nodeInfo");
        result["rpc"] = await RpcRoundTrips.RunAsync(50_000 / divisor, cts.Token);
        Progress("raw Unix socket ping-pong");
        result["rawUnix"] = await RawUnixPingPong.RunAsync(NodeIpcBench.RoundTripBytes, 20_000 / divisor, cts.Token);
        Progress("node-ipc compatible messaging, ours");
        result["nodeIpcOurs"] = await NodeIpcBench.RunOursAsync(200_000 / divisor, 20_000 / divisor, cts.Token);
        Progress("node-ipc 9.2.1 in Node");
        result["nodeIpcJs"] = await NodeIpcBench.RunNodeIpcAsync(Option(args, "--node-script"), 200_000 / divisor, 20_000 / divisor, cts.Token);

        string json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (outFile is null)
        {
            Console.WriteLine(json);
        }
        else
        {
            await File.WriteAllTextAsync(outFile, json + "\n");
        }

        return 0;
    }

    private static void Progress(string what) => Console.Error.WriteLine($"ipc bench: {what}");

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
