using System.Diagnostics;
using System.Text.Json.Nodes;
using Devp2p.Bench.Engine;
using Devp2p.Crypto;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;

namespace Devp2p.Bench.Ipc;

/// <summary>
/// JSON-RPC <c>admin_nodeInfo</c> round trips over the node's Unix socket endpoint: one
/// <see cref="RpcClient"/> calling, one call at a time, against a running <see cref="Server"/>
/// (listening on 127.0.0.1, no peers) served by <see cref="IpcEndpoint"/>. Calls per second and
/// round-trip percentiles; the same again in-process (no socket) for reference.
/// </summary>
internal static class RpcRoundTrips
{
    public static async Task<JsonObject> RunAsync(int calls, CancellationToken ct)
    {
        using var key = PrivateKey.Generate();
        await using var server = new Server(new ServerConfig
        {
            PrivateKey = key,
            MaxPeers = 10,
            ListenAddr = "127.0.0.1:0",
            NoDiscovery = true,
            NoDial = true,
            Name = "devp2p-bench",
        });
        await server.StartAsync(ct);

        var registry = new RpcMethodRegistry();
        NodeRpcApi.Register(registry, server);
        await using var rpc = new RpcServer(registry);
        string path = Path.Combine(Path.GetTempPath(), $"d2p-bench-rpc-{Environment.ProcessId}.ipc");
        await using IpcEndpoint endpoint = await IpcEndpoint.StartAsync(rpc, path, cancellationToken: ct);

        var result = new JsonObject();
        await using (RpcClient client = await RpcClient.ConnectAsync(endpoint.EndPoint, cancellationToken: ct))
        {
            result["unix"] = await MeasureAsync(client, calls, ct);
        }

        await using (RpcClient inproc = RpcClient.ConnectInProcess(rpc))
        {
            result["inProcess"] = await MeasureAsync(inproc, calls, ct);
        }

        return result;
    }

    private static async Task<JsonObject> MeasureAsync(RpcClient client, int calls, CancellationToken ct)
    {
        int warmup = Math.Max(calls / 5, 500);
        for (int i = 0; i < warmup; i++)
        {
            await client.CallAsync("admin_nodeInfo", AdminJsonContext.Default.NodeInfo, ct);
        }

        long[] samples = new long[calls];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            long t = Stopwatch.GetTimestamp();
            NodeInfo info = await client.CallAsync("admin_nodeInfo", AdminJsonContext.Default.NodeInfo, ct);
            samples[i] = Stopwatch.GetTimestamp() - t;
            if (info.Enode.Length == 0)
            {
                throw new InvalidDataException("admin_nodeInfo returned no enode");
            }
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        JsonObject stats = RttStats.ToJson(samples);
        stats["callsPerSecond"] = calls / seconds;
        stats["bytesAllocatedPerCall"] = (double)allocated / calls;
        return stats;
    }
}
