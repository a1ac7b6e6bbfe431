using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>node bench.mjs handshake-blocks</c>: an ethereumjs driver and responder pair that runs a
/// block of sequential handshakes whenever asked, so that ours and theirs can take turns and every
/// ratio compares the two under the same machine conditions.
/// </summary>
internal sealed class VsHandshakeBlocks : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private VsHandshakeBlocks(Process process) => _process = process;

    public static async Task<VsHandshakeBlocks> StartAsync(string benchMjs, CancellationToken ct)
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
        var blocks = new VsHandshakeBlocks(process);
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
    public async Task<JsonNode> RunAsync(int count, TimeSpan timeout, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        JsonNode block = await ReadLineAsync(timeout, ct);
        if ((string?)block["event"] != "block")
        {
            throw new InvalidOperationException($"bench.mjs handshake-blocks: {block.ToJsonString()}");
        }

        return block;
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
