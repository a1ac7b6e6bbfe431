using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>vs-ethereumjs</c>, the C# half of scripts/bench-vs-ethereumjs:
/// <list type="bullet">
/// <item><c>vs-ethereumjs run [--node bench.mjs] [--out FILE] [--quick] [--skip-cross] [--no-interleave] [--inline]</c>: ours against ours (this
/// process measures, a second process of this program responds), the raw TCP floor, and the cross runs
/// against ethereumjs (<c>node bench.mjs responder</c>), ours dialing and ethereumjs dialing, and
/// throughput runs and sequential handshakes of ours and ethereumjs taking turns (<c>node bench.mjs handshake-blocks</c>;
/// not with --no-interleave). --skip-cross leaves out the cross runs, --inline sets
/// <see cref="PeerOptions.InlineDispatch"/> on both sides. One JSON object.</item>
/// <item><c>vs-ethereumjs handshakes [--count N] [--runs R] [--inline]</c>: ours-to-ours handshakes only, for A/B runs.</item>
/// <item><c>vs-ethereumjs rtt [--count N] [--inline]</c>: ours-to-ours round trips only (initiator, then recipient) with their raw floors, for A/B runs.</item>
/// <item><c>vs-ethereumjs rtt-cost [--count N] [--rounds R] [--inline]</c>: what one round trip costs both processes, ours against the raw async floor (<see cref="VsRttCost"/>).</item>
/// <item><c>vs-ethereumjs responder (--listen | --dial ENODE)</c>: the responder process (<see cref="VsResponder"/>).</item>
/// <item><c>vs-ethereumjs report --raw DIR --md FILE [--command CMD] [--note TEXT]</c>: the markdown (<see cref="VsReport"/>).</item>
/// </list>
/// </summary>
internal static class VsEthereumJsCommand
{
    private static readonly TimeSpan s_runLimit = TimeSpan.FromMinutes(4);

    /// <summary>How long a responder started with --dial may take to connect and finish the Hello exchange.</summary>
    private static readonly TimeSpan s_dialInTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        string sub = args.Length > 1 ? args[1] : "run";
        string[] rest = args.Length > 2 ? args[2..] : [];
        switch (sub)
        {
            case "responder":
                return await VsResponder.RunAsync(rest);
            case "report":
                return VsReport.Write(rest);
            case "run":
                return await RunAllAsync(rest);
            case "handshakes":
                return await HandshakesOnlyAsync(rest);
            case "rtt":
                return await RttOnlyAsync(rest);
            case "rtt-cost":
                return await VsRttCost.RunAsync(rest);
            default:
                Console.Error.WriteLine($"vs-ethereumjs: unknown subcommand {sub} (run, handshakes, rtt, rtt-cost, responder, report)");
                return 2;
        }
    }

    private sealed record Settings(int Handshakes, (int Size, int Count)[] Throughput, int Runs, int Rtt, int RttWarmup)
    {
        public Settings Scaled(int divisor) => new(
            Math.Max(10, Handshakes / divisor),
            Throughput.Select(t => (t.Size, Math.Max(20, t.Count / divisor))).ToArray(),
            Runs,
            Math.Max(100, Rtt / divisor),
            Math.Max(20, RttWarmup / divisor));
    }

    private static async Task<int> RunAllAsync(string[] args)
    {
        string benchMjs = Option(args, "--node") ?? Path.Combine("tests", "Interop", "peer", "bench.mjs");
        string? outFile = Option(args, "--out");
        bool quick = args.Contains("--quick");
        bool skipCross = args.Contains("--skip-cross");
        bool inline = args.Contains("--inline");
        string[] inlineArg = inline ? ["--inline"] : [];

        // Ours is measured with more iterations than the cross runs, whose pace ethereumjs sets.
        // Round trips: 50,000 per side (about 6 s with the floors), so that one measurement spans
        // several of this VM's slow and fast phases instead of falling into one (5,000 took 0.6 s).
        var ours = new Settings(1000, [(1024, 100_000), (64 * 1024, 5_000)], 3, 50_000, 1000);
        var cross = new Settings(200, [(1024, 5_000), (64 * 1024, 200)], 3, 5000, 1000);
        if (quick)
        {
            ours = ours.Scaled(10);
            cross = cross.Scaled(10);
        }

        using var cts = new CancellationTokenSource(s_runLimit);
        using var key = PrivateKey.Generate();
        var driver = new VsDriver(key, inline);
        var result = new JsonObject
        {
            ["impl"] = "ours",
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["layout"] = "two processes (driver and responder), 127.0.0.1, TCP_NODELAY on every socket",
            ["inlineDispatch"] = inline,
        };

        Progress("ours <-> ours, ours dialing");
        await using (VsChildProcess responder = await VsChildProcess.StartOursAsync(["--listen", .. inlineArg], cts.Token))
        {
            JsonObject dialed = await DialedRunAsync(driver, responder, ours, withRaw: true, cts.Token);
            foreach (string name in new[] { "throughput", "handshakes", "rawTcpRtt", "rawTcpRttBlocking" })
            {
                result[name] = dialed[name]?.DeepClone();
            }

            result["rtt"] = new JsonObject { ["initiator"] = dialed["rtt"]?.DeepClone() };
        }

        if (!args.Contains("--no-interleave"))
        {
            // The handshake and throughput targets' figures: ours and ethereumjs take turns, so both
            // rates come from the same minutes (run alone, either drifts by up to 1.5x between runs here).
            await using VsChildProcess responder = await VsChildProcess.StartOursAsync(["--listen", .. inlineArg], cts.Token);
            await using VsEthereumJsBlocks theirs = await VsEthereumJsBlocks.StartAsync(benchMjs, cts.Token);
            Progress("throughput, ours and ethereumjs taking turns");
            VsDriver.Session session = await driver.DialAsync(responder.EndPoint, responder.Enode.PublicKey, cts.Token);
            (int Size, int Ours, int Theirs)[] sizes = quick ? [(1024, 10_000, 500), (64 * 1024, 500, 20)] : [(1024, 100_000, 5_000), (64 * 1024, 5_000, 200)];
            result["throughputInterleaved"] = await VsDriver.InterleavedThroughputAsync(session, theirs, sizes, quick ? 3 : 5, cts.Token);
            await VsDriver.CloseAsync(session);

            Progress("handshakes, ours and ethereumjs taking turns");
            (int rounds, int oursPerRound, int theirsPerRound) = quick ? (4, 20, 4) : (10, 100, 20);
            result["handshakesInterleaved"] = await driver.InterleavedHandshakesAsync(
                responder.EndPoint, responder.Enode.PublicKey, theirs, rounds, oursPerRound, theirsPerRound, cts.Token);
        }

        Progress("ours <-> ours, ours listening");
        JsonObject recipient = await RecipientRunAsync(driver, ours, withThroughput: false, withRaw: true, cts.Token, (enode, ct) => VsChildProcess.StartOursAsync(["--dial", enode, .. inlineArg], ct));
        result["rtt"]!["recipient"] = recipient["rtt"]?.DeepClone();
        result["recipientRawTcpRtt"] = recipient["rawTcpRtt"]?.DeepClone();
        result["recipientRawTcpRttBlocking"] = recipient["rawTcpRttBlocking"]?.DeepClone();

        if (!skipCross)
        {
            var crossResult = new JsonObject();
            Progress("ours dialing ethereumjs");
            await using (VsChildProcess responder = await VsChildProcess.StartEthereumJsAsync(benchMjs, ["--listen"], cts.Token))
            {
                crossResult["oursDials"] = await DialedRunAsync(driver, responder, cross, withRaw: false, cts.Token);
            }

            Progress("ethereumjs dialing ours");
            crossResult["ethereumjsDials"] = await RecipientRunAsync(driver, cross, withThroughput: true, withRaw: false, cts.Token, (enode, ct) => VsChildProcess.StartEthereumJsAsync(benchMjs, ["--dial", enode], ct));
            result["cross"] = crossResult;
        }

        string json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (outFile is null)
        {
            Console.WriteLine(json);
        }
        else
        {
            await File.WriteAllTextAsync(outFile, json + "\n");
        }

        return 0;
    }

    /// <summary>
    /// <c>vs-ethereumjs handshakes [--count N] [--runs R] [--inline]</c>: only the ours-to-ours
    /// sequential handshakes, R runs against one responder process, one line per run (for A/B
    /// comparisons of setup changes; the report comes from <c>run</c>).
    /// </summary>
    private static async Task<int> HandshakesOnlyAsync(string[] args)
    {
        int count = int.Parse(Option(args, "--count") ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
        int runs = int.Parse(Option(args, "--runs") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
        bool inline = args.Contains("--inline");
        using var cts = new CancellationTokenSource(s_runLimit);
        using var key = PrivateKey.Generate();
        var driver = new VsDriver(key, inline);
        await using VsChildProcess responder = await VsChildProcess.StartOursAsync(inline ? ["--listen", "--inline"] : ["--listen"], cts.Token);
        for (int i = 0; i < runs; i++)
        {
            JsonObject run = await driver.HandshakesAsync(responder.EndPoint, responder.Enode.PublicKey, count, cts.Token);
            Console.WriteLine(run.ToJsonString());
        }

        return 0;
    }

    /// <summary>
    /// <c>vs-ethereumjs rtt [--count N] [--inline]</c>: only the ours-to-ours round trips with their
    /// interleaved raw floors, as initiator then as recipient; one line per side with the p50s (µs)
    /// and ours over the lower floor (for A/B comparisons; the report comes from <c>run</c>).
    /// </summary>
    private static async Task<int> RttOnlyAsync(string[] args)
    {
        int count = int.Parse(Option(args, "--count") ?? "5000", CultureInfo.InvariantCulture);
        bool inline = args.Contains("--inline");
        string[] inlineArg = inline ? ["--inline"] : [];
        var settings = new Settings(0, [], 0, count, Math.Max(20, count / 5));
        using var cts = new CancellationTokenSource(s_runLimit);
        using var key = PrivateKey.Generate();
        var driver = new VsDriver(key, inline);
        var initiator = new JsonObject();
        await using (VsChildProcess responder = await VsChildProcess.StartOursAsync(["--listen", .. inlineArg], cts.Token))
        {
            VsDriver.Session session = await driver.DialAsync(responder.EndPoint, responder.Enode.PublicKey, cts.Token);
            await RttAsync(session, responder, withRaw: true, settings, initiator, cts.Token);
            await VsDriver.CloseAsync(session);
        }

        Console.WriteLine(RttLine("initiator", initiator));
        JsonObject recipient = await RecipientRunAsync(driver, settings, withThroughput: false, withRaw: true, cts.Token, (enode, ct) => VsChildProcess.StartOursAsync(["--dial", enode, .. inlineArg], ct));
        Console.WriteLine(RttLine("recipient", recipient));
        return 0;

        static string RttLine(string side, JsonObject r)
        {
            double ours = r["rtt"]!["p50Us"]!.GetValue<double>();
            double rawAsync = r["rawTcpRtt"]!["p50Us"]!.GetValue<double>();
            double rawBlocking = r["rawTcpRttBlocking"]!["p50Us"]!.GetValue<double>();
            return string.Create(CultureInfo.InvariantCulture, $"{side}: ours p50 {ours:F1} p99 {r["rtt"]!["p99Us"]!.GetValue<double>():F1}, raw async {rawAsync:F1}, raw blocking {rawBlocking:F1}, over floor {ours - Math.Min(rawAsync, rawBlocking):F1}");
        }
    }

    /// <summary>We dial the responder: throughput, round trips, optionally the raw TCP floor, then sequential handshakes.</summary>
    private static async Task<JsonObject> DialedRunAsync(VsDriver driver, VsChildProcess responder, Settings settings, bool withRaw, CancellationToken ct)
    {
        var result = new JsonObject();
        VsDriver.Session session = await driver.DialAsync(responder.EndPoint, responder.Enode.PublicKey, ct);
        result["throughput"] = await ThroughputAsync(session, settings, ct);
        await RttAsync(session, responder, withRaw, settings, result, ct);
        await VsDriver.CloseAsync(session);
        result["handshakes"] = await driver.HandshakesAsync(responder.EndPoint, responder.Enode.PublicKey, settings.Handshakes, ct);
        return result;
    }

    /// <summary>The responder dials us: round trips (and optionally throughput) with us as the RLPx recipient.</summary>
    private static async Task<JsonObject> RecipientRunAsync(
        VsDriver driver, Settings settings, bool withThroughput, bool withRaw, CancellationToken ct, Func<string, CancellationToken, Task<VsChildProcess>> start)
    {
        var result = new JsonObject();
        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(ct);
        int port = ((IPEndPoint)listener.EndPoint).Port;
        Task<VsDriver.Session> accepted = driver.AcceptAsync(listener, ct);
        string enode = new EnodeUrl(driver.PublicKey, IPAddress.Loopback, port, port).ToString();
        await using VsChildProcess responder = await start(enode, ct);
        VsDriver.Session session = await accepted.WaitAsync(s_dialInTimeout, ct);
        if (withThroughput)
        {
            result["throughput"] = await ThroughputAsync(session, settings, ct);
        }

        await RttAsync(session, responder, withRaw, settings, result, ct);
        await VsDriver.CloseAsync(session);
        return result;
    }

    /// <summary>
    /// Round trips on <paramref name="session"/>, interleaved with the responder's raw floors when
    /// <paramref name="withRaw"/>; ours goes into <c>rtt</c>, the floors under their own names.
    /// </summary>
    private static async Task RttAsync(VsDriver.Session session, VsChildProcess responder, bool withRaw, Settings settings, JsonObject result, CancellationToken ct)
    {
        JsonObject rtt = await VsDriver.RttAsync(
            session.Rw,
            withRaw ? responder.RawEndPoint : null,
            withRaw && responder.RawBlockingPort is int blockingPort ? new IPEndPoint(IPAddress.Loopback, blockingPort) : null,
            settings.Rtt,
            settings.RttWarmup,
            ct);
        result["rtt"] = rtt["ours"]?.DeepClone();
        foreach (string floor in new[] { "rawTcpRtt", "rawTcpRttBlocking" })
        {
            if (rtt[floor] is { } stats)
            {
                result[floor] = stats.DeepClone();
            }
        }
    }

    private static async Task<JsonArray> ThroughputAsync(VsDriver.Session session, Settings settings, CancellationToken ct)
    {
        var all = new JsonArray();
        foreach ((int size, int count) in settings.Throughput)
        {
            all.Add(await VsDriver.ThroughputAsync(session.Rw, size, count, settings.Runs, ct));
        }

        return all;
    }

    private static void Progress(string what) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vs-ethereumjs: {DateTime.UtcNow:HH:mm:ss} {what}"));

    internal static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
