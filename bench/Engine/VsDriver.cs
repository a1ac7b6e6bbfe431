using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Devp2p.Crypto;
using Devp2p.Transports;

namespace Devp2p.Bench.Engine;

/// <summary>
/// The measuring side of the ethereumjs comparison, the same steps as bench.mjs's driver: sequential
/// handshakes, one-way throughput with a fence, 64-byte echo round trips, raw TCP round trips.
/// Every TCP socket has TCP_NODELAY (<see cref="TransportOptions.NoDelay"/>, on by default).
/// </summary>
internal sealed class VsDriver(PrivateKey key, bool inlineDispatch)
{
    private const int RttSize = 64;

    /// <summary>Round trips per block when ours and the raw floors take turns (see <see cref="RttAsync"/>).</summary>
    private const int RttBlock = 100;

    /// <summary>How long round trips run unmeasured before <see cref="RttAsync"/> measures (see there).</summary>
    private static readonly TimeSpan RttWarmupTime = TimeSpan.FromSeconds(1);
    private const uint Seed = 0xb3c4;

    /// <summary>A connected peer and its bench/1 read-writer.</summary>
    public sealed record Session(Peer Peer, IMsgReadWriter Rw);

    /// <summary>Our node key's public half (the responder dials it in the recipient runs).</summary>
    public PublicKey PublicKey => key.PublicKey;

    private PeerOptions Options(Protocol protocol) => new() { PrivateKey = key, Protocols = [protocol], InlineDispatch = inlineDispatch };

    /// <summary>Dials <paramref name="endPoint"/> (we are the RLPx initiator).</summary>
    public async Task<Session> DialAsync(IPEndPoint endPoint, PublicKey remote, CancellationToken ct)
    {
        var ready = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        TransportConnection connection = await new SocketTransportDialer().ConnectAsync(endPoint, ct);
        Peer peer = await Peer.ConnectAsync(connection, Options(VsBenchProtocol.Driver(ready)), remote, ct);
        return new Session(peer, await ready.Task.WaitAsync(ct));
    }

    /// <summary>Takes the next connection on <paramref name="listener"/> (we are the RLPx recipient).</summary>
    public async Task<Session> AcceptAsync(SocketTransportListener listener, CancellationToken ct)
    {
        var ready = new TaskCompletionSource<IMsgReadWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        TransportConnection connection = await listener.AcceptAsync(ct) ?? throw new InvalidOperationException("listener closed");
        Peer peer = await Peer.ConnectAsync(connection, Options(VsBenchProtocol.Driver(ready)), null, ct);
        return new Session(peer, await ready.Task.WaitAsync(ct));
    }

    public static async Task CloseAsync(Session session)
    {
        session.Peer.Disconnect(DiscReason.Quitting);
        await session.Peer.Completion;
    }

    /// <summary>
    /// <paramref name="count"/> connections one after another, each: TCP connect, RLPx auth/ack,
    /// Hello exchange, Disconnect, wait until the connection is closed; after a tenth as many to warm up.
    /// </summary>
    public async Task<JsonObject> HandshakesAsync(IPEndPoint endPoint, PublicKey remote, int count, CancellationToken ct)
    {
        PeerOptions options = Options(IdleProtocol());
        var dialer = new SocketTransportDialer();
        await HandshakeBlockAsync(dialer, endPoint, remote, options, Math.Max(5, count / 10), ct);
        HandshakeBlock block = await HandshakeBlockAsync(dialer, endPoint, remote, options, count, ct);
        int ok = Math.Max(1, count - block.Failures);
        return new JsonObject
        {
            ["count"] = count,
            ["failures"] = block.Failures,
            ["seconds"] = block.Seconds,
            ["perSecond"] = (count - block.Failures) / block.Seconds,
            ["setupUs"] = block.SetupTotalUs / ok,
            ["closeUs"] = block.CloseTotalUs / ok,
        };
    }

    /// <summary>The totals of one block of sequential handshakes.</summary>
    public sealed record HandshakeBlock(int Count, int Failures, double Seconds, double SetupTotalUs, double CloseTotalUs);

    /// <summary>
    /// Sequential handshakes against our responder at <paramref name="endPoint"/>, taking turns with
    /// ethereumjs's own (<paramref name="theirs"/>) in <paramref name="rounds"/> rounds, so that
    /// both see the same machine conditions (on this VM the rate of either drifts by up to 1.5x
    /// from one minute to the next). The order within a round alternates. Both warm up first.
    /// </summary>
    public async Task<JsonObject> InterleavedHandshakesAsync(
        IPEndPoint endPoint, PublicKey remote, VsEthereumJsBlocks theirs, int rounds, int oursPerRound, int theirsPerRound, CancellationToken ct)
    {
        TimeSpan blockTimeout = TimeSpan.FromMinutes(2);
        PeerOptions options = Options(IdleProtocol());
        var dialer = new SocketTransportDialer();
        await HandshakeBlockAsync(dialer, endPoint, remote, options, Math.Max(5, oursPerRound / 2), ct);
        await theirs.RunAsync(Math.Max(5, theirsPerRound / 2), blockTimeout, ct);

        var oursBlocks = new List<HandshakeBlock>();
        var theirBlocks = new List<HandshakeBlock>();
        var perRound = new JsonArray();
        for (int round = 0; round < rounds; round++)
        {
            HandshakeBlock? ours = null;
            JsonNode? their = null;
            for (int turn = 0; turn < 2; turn++)
            {
                if ((turn == 0) == (round % 2 == 0))
                {
                    ours = await HandshakeBlockAsync(dialer, endPoint, remote, options, oursPerRound, ct);
                }
                else
                {
                    their = await theirs.RunAsync(theirsPerRound, blockTimeout, ct);
                }
            }

            var theirBlock = new HandshakeBlock((int)their!["count"]!, (int)their["failures"]!, (double)their["seconds"]!, (double)their["setupTotalUs"]!, (double)their["closeTotalUs"]!);
            oursBlocks.Add(ours!);
            theirBlocks.Add(theirBlock);
            perRound.Add(new JsonObject
            {
                ["oursSetupUs"] = MeanSetup(ours!),
                ["ethereumjsSetupUs"] = MeanSetup(theirBlock),
                ["ratio"] = MeanSetup(theirBlock) / MeanSetup(ours!),
            });
        }

        return new JsonObject
        {
            ["rounds"] = rounds,
            ["ours"] = Totals(oursBlocks),
            ["ethereumjs"] = Totals(theirBlocks),
            ["perRound"] = perRound,
        };

        static double MeanSetup(HandshakeBlock b) => b.SetupTotalUs / Math.Max(1, b.Count - b.Failures);

        static JsonObject Totals(List<HandshakeBlock> blocks)
        {
            int count = blocks.Sum(b => b.Count);
            int failures = blocks.Sum(b => b.Failures);
            double seconds = blocks.Sum(b => b.Seconds);
            int ok = Math.Max(1, count - failures);
            return new JsonObject
            {
                ["count"] = count,
                ["failures"] = failures,
                ["seconds"] = seconds,
                ["perSecond"] = (count - failures) / seconds,
                ["setupUs"] = blocks.Sum(b => b.SetupTotalUs) / ok,
                ["closeUs"] = blocks.Sum(b => b.CloseTotalUs) / ok,
            };
        }
    }

    /// <summary><paramref name="count"/> sequential connections (see <see cref="HandshakesAsync"/>), timed.</summary>
    private static async Task<HandshakeBlock> HandshakeBlockAsync(SocketTransportDialer dialer, IPEndPoint endPoint, PublicKey remote, PeerOptions options, int count, CancellationToken ct)
    {
        long[] ticks = new long[2];
        int failures = 0;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            if (!await HandshakeOnceAsync(dialer, endPoint, remote, options, ticks, ct))
            {
                failures++;
            }
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new HandshakeBlock(count, failures, seconds, ticks[0] * 1e6 / Stopwatch.Frequency, ticks[1] * 1e6 / Stopwatch.Frequency);
    }

    /// <summary>A protocol that waits for the peer's end without an exception.</summary>
    private static Protocol IdleProtocol() => new()
    {
        Name = VsBenchProtocol.Name,
        Version = VsBenchProtocol.Version,
        Length = VsBenchProtocol.Length,
        // Waits for the peer's end without an exception (a cancelled Task.Delay would throw one
        // per connection, which the close of every handshake would pay for).
        Run = static async (_, _, ct) =>
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (ct.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), ended))
            {
                await ended.Task;
            }
        },
    };

    /// <summary>One connection; adds the time to the running peer and the time to the closed connection to the totals.</summary>
    private static async Task<bool> HandshakeOnceAsync(SocketTransportDialer dialer, IPEndPoint endPoint, PublicKey remote, PeerOptions options, long[] ticks, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        Peer peer;
        try
        {
            // As the Server dials: the auth is built while the TCP connect is in flight.
            peer = await Peer.DialAsync(dialer, endPoint, options, remote, ct);
        }
        catch (Exception ex) when (ex is PeerDisconnectedException or EndOfStreamException or IOException)
        {
            Console.Error.WriteLine($"vs-ethereumjs: handshake failed: {ex.GetType().Name}: {ex.Message}");
            return false;
        }

        long running = Stopwatch.GetTimestamp();
        peer.Disconnect(DiscReason.Quitting);
        await peer.Completion;
        ticks[0] += running - start;
        ticks[1] += Stopwatch.GetTimestamp() - running;
        return true;
    }

    /// <summary>
    /// Sends <paramref name="count"/> code-0 messages of <paramref name="size"/> bytes (one payload,
    /// compressed on every send as ethereumjs does), then a code-1 fence, and stops the clock at its
    /// echo. One warm-up run of a fifth as many, then <paramref name="runs"/> runs; the median counts.
    /// </summary>
    public static async Task<JsonObject> ThroughputAsync(IMsgReadWriter rw, int size, int count, int runs, CancellationToken ct)
    {
        byte[] payload = VsBenchProtocol.Payload(Seed, 0, size);
        await ThroughputOnceAsync(rw, payload, Math.Max(10, count / 5), ct);
        var seconds = new double[runs];
        var all = new JsonArray();
        for (int r = 0; r < runs; r++)
        {
            seconds[r] = await ThroughputOnceAsync(rw, payload, count, ct);
            all.Add(new JsonObject { ["seconds"] = seconds[r], ["mbPerSecond"] = (double)size * count / seconds[r] / 1e6 });
        }

        Array.Sort(seconds);
        double median = seconds[(runs - 1) / 2];
        return new JsonObject
        {
            ["size"] = size,
            ["messages"] = count,
            ["runs"] = all,
            ["seconds"] = median,
            ["messagesPerSecond"] = count / median,
            ["mbPerSecond"] = (double)size * count / median / 1e6,
        };
    }

    /// <summary>
    /// One-way throughput of ours (on <paramref name="ours"/>) and of ethereumjs (<paramref name="theirs"/>)
    /// taking turns, <paramref name="rounds"/> runs each per size after one unmeasured run of a fifth
    /// as many; the order within a round alternates. Per size: both sides' MB/s per round and the
    /// medians.
    /// </summary>
    public static async Task<JsonArray> InterleavedThroughputAsync(
        Session ours, VsEthereumJsBlocks theirs, (int Size, int Ours, int Theirs)[] sizes, int rounds, CancellationToken ct)
    {
        TimeSpan runTimeout = TimeSpan.FromMinutes(2);
        var result = new JsonArray();
        foreach ((int size, int oursCount, int theirsCount) in sizes)
        {
            byte[] payload = VsBenchProtocol.Payload(Seed, 0, size);
            await ThroughputOnceAsync(ours.Rw, payload, Math.Max(10, oursCount / 5), ct);
            await theirs.ThroughputAsync(size, Math.Max(10, theirsCount / 5), runTimeout, ct);
            var oursRuns = new JsonArray();
            var theirRuns = new JsonArray();
            var oursMb = new List<double>();
            var theirMb = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                for (int turn = 0; turn < 2; turn++)
                {
                    if ((turn == 0) == (round % 2 == 0))
                    {
                        double seconds = await ThroughputOnceAsync(ours.Rw, payload, oursCount, ct);
                        oursMb.Add((double)size * oursCount / seconds / 1e6);
                        oursRuns.Add(oursMb[^1]);
                    }
                    else
                    {
                        JsonNode run = await theirs.ThroughputAsync(size, theirsCount, runTimeout, ct);
                        theirMb.Add((double)run["mbPerSecond"]!);
                        theirRuns.Add(theirMb[^1]);
                    }
                }
            }

            result.Add(new JsonObject
            {
                ["size"] = size,
                ["rounds"] = rounds,
                ["oursMessages"] = oursCount,
                ["ethereumjsMessages"] = theirsCount,
                ["oursMbPerSecond"] = oursRuns,
                ["ethereumjsMbPerSecond"] = theirRuns,
                ["oursMedian"] = Median(oursMb),
                ["ethereumjsMedian"] = Median(theirMb),
            });
        }

        return result;

        static double Median(List<double> values)
        {
            values.Sort();
            return values[(values.Count - 1) / 2];
        }
    }

    private static async Task<double> ThroughputOnceAsync(IMsgReadWriter rw, byte[] payload, int count, CancellationToken ct)
    {
        byte[] fence = VsBenchProtocol.Payload(Seed, 1, 8);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            await rw.WriteMsgAsync(VsBenchProtocol.SinkCode, payload, ct);
        }

        await rw.WriteMsgAsync(VsBenchProtocol.EchoCode, fence, ct);
        while (true)
        {
            using Msg msg = await rw.ReadMsgAsync(ct);
            if (msg.Code == VsBenchProtocol.EchoCode)
            {
                break;
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// Round trips of a 64-byte code-1 message echoed by the responder, interleaved in blocks of
    /// <see cref="RttBlock"/> with the raw TCP floors of the same responder process (when given):
    /// 64 bytes to its async echo port and to its blocking echo port. Interleaving puts ours and the
    /// floors under the same machine conditions, which on a small VM drift a lot within a minute.
    /// Returns <c>{ours, rawTcpRtt?, rawTcpRttBlocking?}</c>, each after <paramref name="warmup"/> unmeasured round trips.
    /// </summary>
    public static async Task<JsonObject> RttAsync(IMsgReadWriter rw, IPEndPoint? rawAsync, IPEndPoint? rawBlocking, int count, int warmup, CancellationToken ct)
    {
        using Socket? asyncSocket = rawAsync is null ? null : await ConnectRawAsync(rawAsync, ct);
        using Socket? blockingSocket = rawBlocking is null ? null : await ConnectRawAsync(rawBlocking, ct);
        byte[] rawPayload = VsBenchProtocol.Payload(Seed, 7, RttSize);
        byte[] buffer = new byte[RttSize];
        // A responder process started just before (the recipient runs) still runs tier-0 code for a
        // while: the runtime promotes hot methods only after a delay. Round trips for a fixed time
        // first, so both processes are measured in their steady state.
        long warmUntil = Stopwatch.GetTimestamp() + (long)(RttWarmupTime.TotalSeconds * Stopwatch.Frequency);
        for (int i = 0; Stopwatch.GetTimestamp() < warmUntil; i++)
        {
            await OursOnceAsync(rw, i, ct);
        }

        long[] ours = new long[count];
        long[] asyncSamples = new long[count];
        long[] blockingSamples = new long[count];
        for (int first = 0; first < warmup + count; first += RttBlock)
        {
            int end = Math.Min(first + RttBlock, warmup + count);
            for (int i = first; i < end; i++)
            {
                Record(ours, i - warmup, await OursOnceAsync(rw, i, ct));
            }

            for (int i = first; asyncSocket is not null && i < end; i++)
            {
                Record(asyncSamples, i - warmup, await RawOnceAsync(asyncSocket, rawPayload, buffer, ct));
            }

            for (int i = first; blockingSocket is not null && i < end; i++)
            {
                // Blocking calls on this thread: the fewest wake-ups a plain socket needs.
                Record(blockingSamples, i - warmup, RawOnceBlocking(blockingSocket, rawPayload, buffer));
            }
        }

        var result = new JsonObject { ["ours"] = RttStats.ToJson(ours) };
        if (asyncSocket is not null)
        {
            result["rawTcpRtt"] = RttStats.ToJson(asyncSamples);
        }

        if (blockingSocket is not null)
        {
            result["rawTcpRttBlocking"] = RttStats.ToJson(blockingSamples);
        }

        return result;

        static void Record(long[] samples, int index, long ticks)
        {
            if (index >= 0)
            {
                samples[index] = ticks;
            }
        }
    }

    internal static async Task<long> OursOnceAsync(IMsgReadWriter rw, int i, CancellationToken ct)
    {
        byte[] payload = VsBenchProtocol.Payload(Seed, i, RttSize);
        long start = Stopwatch.GetTimestamp();
        await rw.WriteMsgAsync(VsBenchProtocol.EchoCode, payload, ct);
        using Msg msg = await rw.ReadMsgAsync(ct);
        long elapsed = Stopwatch.GetTimestamp() - start;
        if (msg.Code != VsBenchProtocol.EchoCode || !msg.Payload.SequenceEqual(payload))
        {
            throw new InvalidOperationException($"rtt: the echo differs from what was sent ({msg})");
        }

        return elapsed;
    }

    internal static async Task<Socket> ConnectRawAsync(IPEndPoint endPoint, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>64 bytes to a raw echo socket and back with async calls (the style the engine uses).</summary>
    internal static async Task<long> RawOnceAsync(Socket socket, byte[] payload, byte[] buffer, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        for (int sent = 0; sent < payload.Length;)
        {
            sent += await socket.SendAsync(payload.AsMemory(sent), SocketFlags.None, ct);
        }

        for (int received = 0; received < buffer.Length;)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, ct);
            if (n == 0)
            {
                throw new EndOfStreamException("raw echo closed");
            }

            received += n;
        }

        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>64 bytes to a raw echo socket and back with blocking calls.</summary>
    private static long RawOnceBlocking(Socket socket, byte[] payload, byte[] buffer)
    {
        long start = Stopwatch.GetTimestamp();
        for (int sent = 0; sent < payload.Length;)
        {
            sent += socket.Send(payload, sent, payload.Length - sent, SocketFlags.None);
        }

        for (int received = 0; received < buffer.Length;)
        {
            int n = socket.Receive(buffer, received, buffer.Length - received, SocketFlags.None);
            if (n == 0)
            {
                throw new EndOfStreamException("raw echo closed");
            }

            received += n;
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
