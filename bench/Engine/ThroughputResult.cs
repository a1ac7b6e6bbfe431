using System.Globalization;

namespace Devp2p.Bench.Engine;

/// <summary>One measured run.</summary>
internal sealed record ThroughputResult(string Transport, int Size, bool Snappy, int Messages, TimeSpan Elapsed, long PayloadBytes, double AllocatedPerMessage)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => PayloadBytes / Elapsed.TotalSeconds / 1e6;

    public string ToRow(string kind) => string.Create(CultureInfo.InvariantCulture,
        $"| {kind} | {Transport} | {FormatSize(Size)} | {(kind == "raw socket" ? "-" : Snappy ? "on" : "off")} | {Messages:N0} | {MessagesPerSecond:N0} | {MegabytesPerSecond:N1} | {AllocatedPerMessage:0.00} |");

    private static string FormatSize(int size) => size >= 1024 ? $"{size / 1024} KiB" : $"{size} B";
}
