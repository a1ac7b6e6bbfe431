using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Devp2p.Crypto;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>vs-ethereumjs rtt-cost [--count N] [--rounds R] [--inline] [--only ours|raw]</c> (Linux): what one 64-byte round
/// trip costs, ours (driver dials a responder process) against the raw async TCP echo of the same
/// responder, in alternating phases of N round trips: wall time, CPU time of each process (from
/// /proc/PID/task/*/schedstat) and context switches of each process (voluntary = a thread parked,
/// involuntary = preempted), all per round trip. Separates what our stack adds in CPU work from
/// what it adds in thread wake-ups, which the p50 alone cannot. Also the driver's thread-pool work
/// items per round trip (each may need a parked worker woken).
/// </summary>
internal static class VsRttCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("rtt-cost: reads /proc, so Linux only");
            return 2;
        }

        int count = int.Parse(VsEthereumJsCommand.Option(args, "--count") ?? "20000", CultureInfo.InvariantCulture);
        int rounds = int.Parse(VsEthereumJsCommand.Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        bool inline = args.Contains("--inline");
        string? only = VsEthereumJsCommand.Option(args, "--only"); // "ours" or "raw": one kind of phase (for profiling)
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var key = PrivateKey.Generate();
        var driver = new VsDriver(key, inline);
        await using VsChildProcess responder = await VsChildProcess.StartOursAsync(inline ? ["--listen", "--inline"] : ["--listen"], cts.Token);
        VsDriver.Session session = await driver.DialAsync(responder.EndPoint, responder.Enode.PublicKey, cts.Token);
        using Socket raw = await VsDriver.ConnectRawAsync(responder.RawEndPoint, cts.Token);
        byte[] rawPayload = new byte[64];
        byte[] buffer = new byte[64];

        // Both paths past tier-up first (see VsDriver.RttAsync).
        long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        for (int i = 0; Stopwatch.GetTimestamp() < warmUntil; i++)
        {
            await VsDriver.OursOnceAsync(session.Rw, i, cts.Token);
            await VsDriver.RawOnceAsync(raw, rawPayload, buffer, cts.Token);
        }

        Console.WriteLine("| phase | round trips | wall µs | driver CPU µs | responder CPU µs | driver switches (vol / invol) | responder switches (vol / invol) | driver thread-pool work items |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        int self = Environment.ProcessId;
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool ours in new[] { true, false })
            {
                if (only is not null && ours != (only == "ours"))
                {
                    continue;
                }

                Usage d0 = Usage.Of(self), r0 = Usage.Of(responder.ProcessId);
                long items0 = ThreadPool.CompletedWorkItemCount;
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    _ = ours
                        ? await VsDriver.OursOnceAsync(session.Rw, i, cts.Token)
                        : await VsDriver.RawOnceAsync(raw, rawPayload, buffer, cts.Token);
                }

                double wallUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
                double items = (double)(ThreadPool.CompletedWorkItemCount - items0) / count;
                Usage d = Usage.Of(self) - d0, r = Usage.Of(responder.ProcessId) - r0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(ours ? "ours" : "raw async")} | {count:N0} | {wallUs:F1} | {d.CpuNs / 1e3 / count:F1} | {r.CpuNs / 1e3 / count:F1} | {(double)d.Voluntary / count:F2} / {(double)d.Involuntary / count:F2} | {(double)r.Voluntary / count:F2} / {(double)r.Involuntary / count:F2} | {items:F2} |"));
            }
        }

        await VsDriver.CloseAsync(session);
        return 0;
    }

    private readonly record struct Usage(long CpuNs, long Voluntary, long Involuntary)
    {
        public static Usage operator -(Usage a, Usage b) => new(a.CpuNs - b.CpuNs, a.Voluntary - b.Voluntary, a.Involuntary - b.Involuntary);

        /// <summary>Sums over every thread of the process (threads that ended since are not counted).</summary>
        public static Usage Of(int pid)
        {
            long cpu = 0, voluntary = 0, involuntary = 0;
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    cpu += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                    foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            voluntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            involuntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread ended while we read it.
                }
            }

            return new Usage(cpu, voluntary, involuntary);
        }
    }
}
