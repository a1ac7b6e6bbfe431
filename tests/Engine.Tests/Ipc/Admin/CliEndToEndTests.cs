using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc.Admin;

/// <summary>
/// The built tool as a user runs it: <c>devp2p node</c> serving its IPC endpoint in a temp data
/// directory, and <c>devp2p attach --exec</c> calling it. Every wait is bounded; the node is
/// stopped with SIGTERM (killed if that fails) at the end.
/// </summary>
public sealed class CliEndToEndTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Node_ServesIpc_AndAttachExec_CallsIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        string dataDir = Path.Combine(Path.GetTempPath(), "e2e-" + Guid.NewGuid().ToString("N")[..8]);
        string ipcPath = Path.Combine(dataDir, "devp2p.ipc");
        using Process node = StartTool("node", "--listen", "127.0.0.1:0", "--datadir", dataDir, "--verbosity", "2", "--nodial");
        var nodeErrors = new StringBuilder();
        node.ErrorDataReceived += (_, e) =>
        {
            lock (nodeErrors)
            {
                nodeErrors.AppendLine(e.Data);
            }
        };
        node.BeginErrorReadLine();
        try
        {
            // The node prints its enode URL once it runs, after the IPC endpoint opened.
            string? enode = await node.StandardOutput.ReadLineAsync(cts.Token).AsTask().WaitAsync(ProcessTimeout, cts.Token);
            Assert.True(enode is not null && enode.StartsWith("enode://", StringComparison.Ordinal), $"the node printed no enode URL; stderr: {Errors()}");
            Assert.True(File.Exists(ipcPath), $"no {ipcPath}; stderr: {Errors()}");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ipcPath));
            }

            ToolResult info = await RunToolAsync(cts.Token, "attach", "--exec", "admin_nodeInfo", ipcPath);
            Assert.True(info.ExitCode == 0, $"attach failed with {info.ExitCode}: {info.Error}");
            using (JsonDocument doc = JsonDocument.Parse(info.Output))
            {
                Assert.Equal(enode, doc.RootElement.GetProperty("enode").GetString());
                Assert.Equal(Devp2p.Enode.EnodeUrl.Parse(enode).Id.ToString(), doc.RootElement.GetProperty("id").GetString());
                Assert.StartsWith("127.0.0.1:", doc.RootElement.GetProperty("listenAddr").GetString(), StringComparison.Ordinal);
            }

            // --datadir finds the same endpoint; an error answer is exit code 1 with the code and message.
            ToolResult bad = await RunToolAsync(cts.Token, "attach", "--datadir", dataDir, "--exec", "admin_addPeer \"enode://zz\"");
            Assert.Equal(1, bad.ExitCode);
            Assert.StartsWith("error -32000: invalid enode: ", bad.Error, StringComparison.Ordinal);
            Assert.Equal("", bad.Output);

            // SIGTERM stops the node cleanly, and the endpoint's file goes with it.
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(0, Kill(node.Id, SignalTerminate));
                await node.WaitForExitAsync(cts.Token).WaitAsync(ProcessTimeout, cts.Token);
                Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}; stderr: {Errors()}");
                Assert.False(File.Exists(ipcPath));
            }
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync(CancellationToken.None).WaitAsync(ProcessTimeout, CancellationToken.None);
            }

            Directory.Delete(dataDir, recursive: true);
        }

        // Nothing serves it any more: one clear line and exit code 1.
        ToolResult absent = await RunToolAsync(cts.Token, "attach", "--exec", "net_peerCount", ipcPath);
        Assert.Equal(1, absent.ExitCode);
        Assert.Equal($"attach: no IPC endpoint at {ipcPath}: is `devp2p node` running?", absent.Error.TrimEnd());
        Assert.Equal("", absent.Output);

        string Errors()
        {
            lock (nodeErrors)
            {
                return nodeErrors.ToString();
            }
        }
    }

    [Fact]
    public async Task Attach_HttpEndpoint_IsRefused_WithExitCode1()
    {
        using var cts = new CancellationTokenSource(ProcessTimeout);
        ToolResult result = await RunToolAsync(cts.Token, "attach", "--exec", "net_peerCount", "http://127.0.0.1:8545");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("attach: \"http://127.0.0.1:8545\": the http scheme is not supported", result.Error, StringComparison.Ordinal);
    }

    private const int SignalTerminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Starts the built tool (devp2p.dll, copied next to the tests) under the same dotnet host.</summary>
    private static Process StartTool(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "devp2p.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the tests reference src/Cli so the build copies it");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the tool did not start");
    }

    private static async Task<ToolResult> RunToolAsync(CancellationToken ct, params string[] args)
    {
        using Process process = StartTool(args);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> error = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(ProcessTimeout, ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return new ToolResult(process.ExitCode, await output, await error);
    }

    private sealed record ToolResult(int ExitCode, string Output, string Error);
}
