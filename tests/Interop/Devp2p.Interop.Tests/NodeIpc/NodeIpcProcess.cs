using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// One real node-ipc 9.2.1 endpoint (tests/Interop/nodeipc/server.js or client.js) in a child
/// process: commands go in as JSON lines on stdin, events come out as JSON lines on stdout (the
/// protocol is in README-NODEIPC.md). Every wait is bounded; disposing asks the process to exit
/// and kills it if it has not within 5 s.
/// </summary>
internal sealed class NodeIpcProcess : IAsyncDisposable
{
    /// <summary>The default bound of every wait for an event.</summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _script;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _pending = [];
    private readonly List<JsonElement> _seen = [];
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly Task _stdoutPump;

    private NodeIpcProcess(Process process, string script)
    {
        _process = process;
        _script = script;
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

    /// <summary>The first event of the process (server: <c>listening</c>; client: <c>connecting</c> or UDP <c>listening</c>).</summary>
    public JsonElement StartEvent { get; private set; }

    /// <summary>The TCP/TLS/UDP port from <see cref="StartEvent"/>, or 0 for a Unix socket.</summary>
    public int Port => StartEvent.TryGetProperty("port", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;

    /// <summary>Starts server.js with <paramref name="args"/> and waits for its <c>listening</c> event.</summary>
    public static Task<NodeIpcProcess> StartServerAsync(params string[] args) => StartAsync("server.js", "listening", args);

    /// <summary>
    /// Starts client.js with <paramref name="args"/> and waits for its first event
    /// (<c>connecting</c>, or <c>listening</c> for UDP). Wait for <c>connect</c> separately.
    /// </summary>
    public static Task<NodeIpcProcess> StartClientAsync(params string[] args) =>
        StartAsync("client.js", args.Contains("--udp4") || args.Contains("--udp6") ? "listening" : "connecting", args);

    /// <summary>Sends one command object as a JSON line.</summary>
    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Sends <paramref name="command"/> and waits for the event <paramref name="reply"/>.</summary>
    public async Task<JsonElement> RequestAsync(object command, string reply, TimeSpan? timeout = null)
    {
        await SendAsync(command);
        return await WaitForAsync(reply, timeout: timeout);
    }

    /// <summary>
    /// Waits for the first not yet consumed event named <paramref name="name"/> that satisfies
    /// <paramref name="match"/>, and consumes it. Other events stay available to later waits.
    /// </summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        TimeSpan bound = timeout ?? EventTimeout;
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await _readLock.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_script}: another wait held the event reader for {bound.TotalSeconds} s.");
        }

        try
        {
            for (int i = 0; i < _pending.Count; i++)
            {
                if (Matches(_pending[i], name, match))
                {
                    JsonElement found = _pending[i];
                    _pending.RemoveAt(i);
                    return found;
                }
            }

            while (true)
            {
                JsonElement e = await _events.Reader.ReadAsync(cts.Token);
                string? eventName = e.GetProperty("event").GetString();
                if (eventName is "fatal" or "cmdError")
                {
                    throw new InvalidOperationException($"{_script} reported {e}.\n{Describe()}");
                }

                if (Matches(e, name, match))
                {
                    return e;
                }

                _pending.Add(e);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{name}' event from {_script} within {bound.TotalSeconds} s.\n{Describe()}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"{_script} exited before '{name}'.\n{Describe()}");
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>Whether an event named <paramref name="name"/> has arrived and was not consumed (does not wait).</summary>
    public bool HasPending(string name)
    {
        _readLock.Wait();
        try
        {
            while (_events.Reader.TryRead(out JsonElement e))
            {
                _pending.Add(e);
            }

            return _pending.Any(e => e.GetProperty("event").GetString() == name);
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>Takes every event that arrived and was not consumed yet, in arrival order (does not wait).</summary>
    public List<JsonElement> TakePending()
    {
        _readLock.Wait();
        try
        {
            while (_events.Reader.TryRead(out JsonElement e))
            {
                _pending.Add(e);
            }

            List<JsonElement> all = [.. _pending];
            _pending.Clear();
            return all;
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>The last events seen and stderr, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(_script).AppendLine(" events (last 40):");
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
            _readLock.Dispose();
        }
    }

    private static async Task<NodeIpcProcess> StartAsync(string script, string firstEvent, string[] args)
    {
        string dir = NodeIpcSetup.EnsureInstalled();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add(Path.Combine(dir, script));
        info.ArgumentList.Add("--timeout-ms");
        info.ArgumentList.Add("120000");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node: install Node.js (>= 18).");
        var node = new NodeIpcProcess(process, script + " " + string.Join(' ', args));
        try
        {
            node.StartEvent = await node.WaitForAsync(firstEvent);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static bool Matches(JsonElement e, string name, Func<JsonElement, bool>? match) =>
        e.GetProperty("event").GetString() == name && (match is null || match(e));

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

                await _events.Writer.WriteAsync(e);
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}
