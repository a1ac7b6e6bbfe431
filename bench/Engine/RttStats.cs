using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Devp2p.Bench.Engine;

/// <summary>Round-trip percentiles in microseconds, nearest rank, with the same fields as bench.mjs.</summary>
internal static class RttStats
{
    public static JsonObject ToJson(long[] stopwatchTicks)
    {
        double[] us = new double[stopwatchTicks.Length];
        for (int i = 0; i < us.Length; i++)
        {
            us[i] = stopwatchTicks[i] * 1e6 / Stopwatch.Frequency;
        }

        Array.Sort(us);
        return new JsonObject
        {
            ["count"] = us.Length,
            ["p50Us"] = Percentile(us, 0.50),
            ["p90Us"] = Percentile(us, 0.90),
            ["p99Us"] = Percentile(us, 0.99),
            ["minUs"] = us[0],
            ["meanUs"] = us.Average(),
        };
    }

    private static double Percentile(double[] sorted, double q)
    {
        int rank = Math.Max(1, (int)Math.Ceiling(q * sorted.Length));
        return sorted[Math.Min(rank, sorted.Length) - 1];
    }
}
