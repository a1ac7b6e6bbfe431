using System.Text.Json;
using System.Threading.Channels;
using Devp2p.Tests;

namespace Devp2p.Interop.Tests;

/// <summary>
/// One @ethereumjs/devp2p node (tests/Interop/peer/peer.mjs) in a child process: commands go in as
/// JSON lines on stdin, events come out as JSON lines on stdout. Every wait is bounded, and
/// disposing kills the process if it has not exited.
/// </summary>
internal sealed class EthereumJsPeer : NodeChildProcess
{
    private EthereumJsPeer(string peerDir, string[] args)
        : base(peerDir, "peer.mjs", args, "ethereumjs peer")
    {
    }

    /// <summary>The node's listening port, from its first event.</summary>
    public int Port { get; private set; }

    /// <summary>The node's public key as 128 hex digits.</summary>
    public string Id { get; private set; } = "";

    /// <summary>Starts peer.mjs with <paramref name="args"/> and waits for its "listening" event.</summary>
    public static async Task<EthereumJsPeer> StartAsync(params string[] args)
    {
        var peer = new EthereumJsPeer(InteropSetup.EnsureInstalled(), args);
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

    /// <summary>Waits for the next event named <paramref name="name"/> that satisfies <paramref name="match"/>, skipping others (they stay in <see cref="NodeChildProcess.Describe"/>).</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? EventTimeout);
        try
        {
            while (true)
            {
                JsonElement e = await Events.Reader.ReadAsync(cts.Token);
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
}
