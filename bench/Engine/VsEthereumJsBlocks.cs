using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>node bench.mjs handshake-blocks</c>: an ethereumjs driver with its own responders that runs
/// a block of sequential handshakes, or one throughput run, whenever asked, so that ours and
/// theirs can take turns and every ratio compares the two under the same machine conditions.
/// </summary>
internal sealed class VsEthereumJsBlocks : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private VsEthereumJsBlocks(Process process) => _process = process;

    public static async Task<VsEthereumJsBlocks> StartAsync(string benchMjs, CancellationToken ct)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(benchMjs);
        info.ArgumentList.Add("handshake-blocks");
        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var blocks = new VsEthereumJsBlocks(process);
        try
        {
            JsonNode ready = await blocks.ReadLineAsync(s_startTimeout, ct);
            if ((string?)ready["event"] != "ready")
            {
                throw new InvalidOperationException($"bench.mjs handshake-blocks: unexpected first line {ready.ToJsonString()}");
            }

            return blocks;
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="count"/> ethereumjs handshakes; returns count, failures, seconds, setupTotalUs, closeTotalUs.</summary>
    public Task<JsonNode> RunAsync(int count, TimeSpan timeout, CancellationToken ct) =>
        RequestAsync(FormattableString.Invariant($"handshakes {count}"), "block", timeout, ct);

    /// <summary>One ethereumjs throughput run of <paramref name="count"/> messages of <paramref name="size"/> bytes; returns seconds and mbPerSecond.</summary>
    public Task<JsonNode> ThroughputAsync(int size, int count, TimeSpan timeout, CancellationToken ct) =>
        RequestAsync(FormattableString.Invariant($"throughput {size} {count}"), "throughput", timeout, ct);

    private async Task<JsonNode> RequestAsync(string command, string expected, TimeSpan timeout, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(command.AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        JsonNode answer = await ReadLineAsync(timeout, ct);
        if ((string?)answer["event"] != expected)
        {
            throw new InvalidOperationException($"bench.mjs handshake-blocks: {command}: {answer.ToJsonString()}");
        }

        return answer;
    }

    private async Task<JsonNode> ReadLineAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        string line = await _process.StandardOutput.ReadLineAsync(limit.Token)
            ?? throw new InvalidOperationException("bench.mjs handshake-blocks exited");
        return JsonNode.Parse(line) ?? throw new InvalidOperationException($"bad line: {line}");
    }

    public ValueTask DisposeAsync() => VsChildProcess.StopAsync(_process);
}
