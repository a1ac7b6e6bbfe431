using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Devp2p.Enode;

namespace Devp2p.Bench.Engine;

/// <summary>
/// A responder in its own process (ours: this program with <c>vs-ethereumjs responder</c>;
/// ethereumjs: <c>node bench.mjs responder</c>). Its first stdout line names its enode and raw echo
/// port; closing its stdin stops it.
/// </summary>
internal sealed class VsChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;

    private VsChildProcess(Process process, EnodeUrl enode, int rawPort, int? rawBlockingPort)
    {
        _process = process;
        Enode = enode;
        RawPort = rawPort;
        RawBlockingPort = rawBlockingPort;
    }

    public EnodeUrl Enode { get; }

    /// <summary>The child's process id (for reading its CPU time and context switches).</summary>
    public int ProcessId => _process.Id;

    public IPEndPoint EndPoint => new(Enode.Ip!, Enode.TcpPort);

    public IPEndPoint RawEndPoint => new(IPAddress.Loopback, RawPort);

    public int RawPort { get; }

    /// <summary>The blocking raw echo port; only our responder has one.</summary>
    public int? RawBlockingPort { get; }

    /// <summary>Starts our own responder: this program again, with <c>vs-ethereumjs responder</c> and <paramref name="args"/>.</summary>
    public static Task<VsChildProcess> StartOursAsync(IEnumerable<string> args, CancellationToken ct)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var all = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet Devp2p.Bench.dll`: the child needs the assembly too.
            all.Add(typeof(VsChildProcess).Assembly.Location);
        }

        all.AddRange(["vs-ethereumjs", "responder"]);
        all.AddRange(args);
        return StartAsync(self, all, ct);
    }

    /// <summary>Starts <c>node bench.mjs responder</c> with <paramref name="args"/>.</summary>
    public static Task<VsChildProcess> StartEthereumJsAsync(string benchMjs, IEnumerable<string> args, CancellationToken ct) =>
        StartAsync("node", [benchMjs, "responder", .. args], ct);

    private static async Task<VsChildProcess> StartAsync(string fileName, IEnumerable<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(s_startTimeout);
            string line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} exited before listening");
            JsonNode json = JsonNode.Parse(line) ?? throw new InvalidOperationException($"bad first line: {line}");
            var enode = EnodeUrl.Parse((string)json["enode"]!);
            return new VsChildProcess(process, enode, (int)json["rawPort"]!, (int?)json["rawBlockingPort"]);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => StopAsync(_process);

    /// <summary>Closes the child's stdin (its signal to stop), waits for it to exit, kills it if it does not, and disposes it.</summary>
    internal static async ValueTask StopAsync(Process process)
    {
        try
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(s_exitTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        finally
        {
            process.Dispose();
        }
    }
}
