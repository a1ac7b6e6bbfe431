namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>dotnet run -c Release --project bench -- engine [messages]</c>: the tables of
/// perf-results/engine.md. Allocation per message over 100,000 1 KiB messages (in-memory and Unix
/// socket), then msgs/s and MB/s for 64 B, 1 KiB and 64 KiB over TCP and Unix sockets, with and
/// without snappy, next to a raw socket sending the same bytes.
/// </summary>
internal static class EngineBenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int scale = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        if (args.Length > 2 && args[2] == "trace")
        {
            // Which types allocate: sampled AllocationTick events during one run.
            using var tracer = new AllocationTracer();
            int size = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1024;
            string transport = args.Length > 4 ? args[4] : "inmemory";
            Console.WriteLine((await EngineThroughput.RunAsync(transport, size, snappy: true, scale, cts.Token)).ToRow("engine (traced)"));
            foreach (var (type, count) in tracer.ByType.OrderByDescending(p => p.Value).Take(25))
            {
                Console.WriteLine($"{count,6} x ~100 KB  {type}");
            }

            return 0;
        }

        if (args.Length > 3 && args[2] == "handshake")
        {
            await HandshakeProbe.RunAsync(args[3], scale, cts.Token);
            return 0;
        }

        if (args.Length > 4 && args[2] == "one")
        {
            // One size on one transport, raw then engine (snappy on): for A/B runs of a change.
            int size = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine((await RawSocketThroughput.RunAsync(args[4], size, scale, cts.Token)).ToRow("raw socket"));
            Console.WriteLine((await EngineThroughput.RunAsync(args[4], size, snappy: true, scale, cts.Token)).ToRow("engine"));
            Console.WriteLine((await EngineThroughput.RunAsync(args[4], size, snappy: true, scale, cts.Token, inlineDispatch: true)).ToRow("engine, InlineDispatch"));
            return 0;
        }

        Console.WriteLine("| run | transport | size | snappy | messages | msgs/s | MB/s | B alloc/msg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (string transport in new[] { "inmemory", "unix" })
        {
            ThroughputResult r = await EngineThroughput.RunAsync(transport, 1024, snappy: true, scale, cts.Token);
            Console.WriteLine(r.ToRow("engine (alloc)"));
        }

        foreach (string transport in new[] { "tcp", "unix" })
        {
            foreach (int size in new[] { 64, 1024, 64 * 1024 })
            {
                int messages = size >= 64 * 1024 ? Math.Max(scale / 10, 2000) : scale;
                Console.WriteLine((await RawSocketThroughput.RunAsync(transport, size, messages, cts.Token)).ToRow("raw socket"));
                foreach (bool snappy in new[] { false, true })
                {
                    Console.WriteLine((await EngineThroughput.RunAsync(transport, size, snappy, messages, cts.Token)).ToRow("engine"));
                }

                // The same with PeerOptions.InlineDispatch (snappy on): the receiving protocol resumes on the read loop.
                Console.WriteLine((await EngineThroughput.RunAsync(transport, size, snappy: true, messages, cts.Token, inlineDispatch: true)).ToRow("engine, InlineDispatch"));
            }
        }

        return 0;
    }
}
