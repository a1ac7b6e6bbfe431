using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Devp2p.Interop.Tests;

/// <summary>
/// A Node.js script in a child process that takes commands as JSON lines on stdin and reports
/// events as JSON lines on stdout (the interop peers in tests/Interop/peer and tests/Interop/nodeipc).
/// Owns the process, the stdout pump, stderr capture and the last events for failure messages;
/// how events are awaited is up to the subclass. Disposing asks the script to exit and kills it
/// if it has not within 5 s.
/// </summary>
internal abstract class NodeChildProcess : IAsyncDisposable
{
    /// <summary>The default bound of every wait for an event.</summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly List<JsonElement> _seen = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;

    /// <summary>Starts <c>node <paramref name="script"/> --timeout-ms 120000 <paramref name="args"/></c> in <paramref name="directory"/>.</summary>
    protected NodeChildProcess(string directory, string script, IEnumerable<string> args, string name)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add(Path.Combine(directory, script));
        info.ArgumentList.Add("--timeout-ms");
        info.ArgumentList.Add("120000");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Name = name;
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node: install Node.js (>= 18).");
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
        _stdoutPump = Task.Run(PumpStdoutAsync);
    }

    /// <summary>What the failure messages call this process.</summary>
    public string Name { get; }

    /// <summary>Every event the script printed, in order; completed when its stdout closes.</summary>
    protected Channel<JsonElement> Events { get; } = Channel.CreateUnbounded<JsonElement>();

    /// <summary>Sends one command object as a JSON line.</summary>
    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The last events the script printed and its stderr, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Name).AppendLine(" events (last 40):");
        lock (_seen)
        {
            foreach (JsonElement e in _seen.TakeLast(40))
            {
                string s = e.ToString();
                text.AppendLine(s.Length > 300 ? s[..300] + "..." : s);
            }
        }

        lock (_stderr)
        {
            text.Append("stderr: ").Append(_stderr.Length > 2000 ? _stderr.ToString(0, 2000) : _stderr.ToString());
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public virtual async ValueTask DisposeAsync()
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
                if (!line.StartsWith('{'))
                {
                    continue;
                }

                JsonElement e;
                using (JsonDocument doc = JsonDocument.Parse(line))
                {
                    e = doc.RootElement.Clone();
                }

                lock (_seen)
                {
                    _seen.Add(e);
                    if (_seen.Count > 500)
                    {
                        _seen.RemoveRange(0, 250);
                    }
                }

                await Events.Writer.WriteAsync(e);
            }
        }
        finally
        {
            Events.Writer.TryComplete();
        }
    }
}
