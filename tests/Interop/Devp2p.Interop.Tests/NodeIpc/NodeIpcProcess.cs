using System.Text.Json;
using System.Threading.Channels;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// One real node-ipc 9.2.1 endpoint (tests/Interop/nodeipc/server.js or client.js) in a child
/// process: commands go in as JSON lines on stdin, events come out as JSON lines on stdout (the
/// protocol is in README-NODEIPC.md). Every wait is bounded; disposing asks the process to exit
/// and kills it if it has not within 5 s.
/// </summary>
internal sealed class NodeIpcProcess : NodeChildProcess
{
    private readonly List<JsonElement> _pending = [];
    private readonly SemaphoreSlim _readLock = new(1, 1);

    private NodeIpcProcess(string directory, string script, string[] args)
        : base(directory, script, args, script + " " + string.Join(' ', args))
    {
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
            throw new TimeoutException($"{Name}: another wait held the event reader for {bound.TotalSeconds} s.");
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
                JsonElement e = await Events.Reader.ReadAsync(cts.Token);
                string? eventName = e.GetProperty("event").GetString();
                if (eventName is "fatal" or "cmdError")
                {
                    throw new InvalidOperationException($"{Name} reported {e}.\n{Describe()}");
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
            throw new TimeoutException($"No '{name}' event from {Name} within {bound.TotalSeconds} s.\n{Describe()}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"{Name} exited before '{name}'.\n{Describe()}");
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
            while (Events.Reader.TryRead(out JsonElement e))
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
            while (Events.Reader.TryRead(out JsonElement e))
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

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _readLock.Dispose();
    }

    private static async Task<NodeIpcProcess> StartAsync(string script, string firstEvent, string[] args)
    {
        var node = new NodeIpcProcess(NodeIpcSetup.EnsureInstalled(), script, args);
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
}
