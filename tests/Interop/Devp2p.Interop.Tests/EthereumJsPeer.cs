using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Devp2p.Tests;

namespace Devp2p.Interop.Tests;

/// <summary>
/// One @ethereumjs/devp2p node (tests/Interop/peer/peer.mjs) in a child process: commands go in as
/// JSON lines on stdin, events come out as JSON lines on stdout. Every wait is bounded, and
/// disposing kills the process if it has not exited.
/// </summary>
internal sealed class EthereumJsPeer : IAsyncDisposable
{
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _seen = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;

    private EthereumJsPeer(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The node's listening port, from its first event.</summary>
    public int Port { get; private set; }

    /// <summary>The node's public key as 128 hex digits.</summary>
    public string Id { get; private set; } = "";

    /// <summary>Starts peer.mjs with <paramref name="args"/> and waits for its "listening" event.</summary>
    public static async Task<EthereumJsPeer> StartAsync(params string[] args)
    {
        string peerDir = InteropSetup.EnsureInstalled();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = peerDir,
        };
        info.ArgumentList.Add(Path.Combine(peerDir, "peer.mjs"));
        info.ArgumentList.Add("--timeout-ms");
        info.ArgumentList.Add("120000");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        var peer = new EthereumJsPeer(process);
        try
        {
            JsonElement listening = await peer.WaitForAsync("listening");
            peer.Port = listening.GetProperty("port").GetInt32();
            peer.Id = listening.GetProperty("id").GetString()!;
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one command object as a JSON line.</summary>
    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the next event named <paramref name="name"/> that satisfies <paramref name="match"/>, skipping others (they stay in <see cref="Seen"/>).</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? EventTimeout);
        try
        {
            while (true)
            {
                JsonElement e = await _events.Reader.ReadAsync(cts.Token);
                lock (_seen)
                {
                    _seen.Add(e);
                }

                string? eventName = e.GetProperty("event").GetString();
                if (eventName == "fatal")
                {
                    throw new InvalidOperationException("ethereumjs peer failed: " + e);
                }

                if (eventName == name && (match is null || match(e)))
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{name}' event from the ethereumjs peer within {(timeout ?? EventTimeout).TotalSeconds} s. Events so far:\n{Describe()}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The ethereumjs peer exited before '{name}'. Events so far:\n{Describe()}");
        }
    }

    /// <summary>Every event consumed so far plus stderr, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        lock (_seen)
        {
            foreach (JsonElement e in _seen.TakeLast(40))
            {
                text.AppendLine(e.ToString().Length > 300 ? e.ToString()[..300] + "..." : e.ToString());
            }
        }

        lock (_stderr)
        {
            text.Append("stderr: ").Append(_stderr.Length > 2000 ? _stderr.ToString(0, 2000) : _stderr.ToString());
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync(new { cmd = "exit" });
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception)
        {
            // Fall through to the kill.
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _stdoutPump.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
            _process.Dispose();
        }
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith('{'))
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    await _events.Writer.WriteAsync(doc.RootElement.Clone());
                }
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}
