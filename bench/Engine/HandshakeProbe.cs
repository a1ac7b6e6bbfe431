using System.Diagnostics;
using Devp2p.Crypto;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>bench -- engine N handshake (inmemory|unix|tcp)</c>: where the time of one connection
/// setup goes, in one process: the framing-level handshake with both roles on one thread (by
/// phase), the same over an <see cref="RlpxConnection"/> pair, and a whole
/// <see cref="Peer.ConnectAsync"/> pair (handshake and Hello) plus its Disconnect until both ends
/// have closed. A diagnostic, not a report: N pairs after N/5 of warm-up, averages printed.
/// </summary>
internal static class HandshakeProbe
{
    public static async Task RunAsync(string transport, int count, CancellationToken ct)
    {
        // Sequential Peer.ConnectAsync pairs in one process: where the time of a handshake goes.
        int exceptions = 0;
        var exceptionTypes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            Interlocked.Increment(ref exceptions);
            exceptionTypes.AddOrUpdate(e.Exception.GetType().Name + ": " + e.Exception.Message[..Math.Min(60, e.Exception.Message.Length)], 1, (_, n) => n + 1);
        };
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        var options = (PrivateKey key) => new PeerOptions { PrivateKey = key, Protocols = [new Protocol { Name = "bench", Version = 1, Length = 2, Run = (_, _, ct) => Task.Delay(Timeout.Infinite, ct) }] };
        PeerOptions a = options(keyA), b = options(keyB);
        long setup = 0, close = 0;
        for (int i = 0; i < count + count / 5; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            (TransportConnection d, TransportConnection l, Func<ValueTask> cleanup) = await EngineThroughput.ConnectAsync(transport, ct);
            Task<Peer> inbound = Peer.ConnectAsync(l, b, null, ct);
            Peer pa = await Peer.ConnectAsync(d, a, keyB.PublicKey, ct);
            Peer pb = await inbound;
            long t1 = Stopwatch.GetTimestamp();
            pa.Disconnect(DiscReason.Quitting);
            await pa.Completion;
            await pb.Completion;
            await cleanup();
            long t2 = Stopwatch.GetTimestamp();
            if (i >= count / 5)
            {
                setup += t1 - t0;
                close += t2 - t1;
            }
        }

        long pure = 0;
        long[] phase = new long[6];
        byte[] auth = new byte[2048], ack = new byte[2048];
        for (int i = 0; i < count + count / 5; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var ini = new RlpxInitiatorHandshake(keyA, keyB.PublicKey);
            using var rec = new RlpxRecipientHandshake(keyB);
            long ta = Stopwatch.GetTimestamp();
            int n = ini.WriteAuth(auth);
            long tb = Stopwatch.GetTimestamp();
            rec.TryReadAuth(auth.AsSpan(0, n), out _);
            long tc = Stopwatch.GetTimestamp();
            int m = rec.WriteAck(ack);
            long td = Stopwatch.GetTimestamp();
            rec.TakeSecrets().Dispose();
            long te = Stopwatch.GetTimestamp();
            ini.TryReadAck(ack.AsSpan(0, m), out _);
            ini.TakeSecrets().Dispose();
            long t1 = Stopwatch.GetTimestamp();
            if (i >= count / 5)
            {
                pure += t1 - t0;
                phase[0] += ta - t0; phase[1] += tb - ta; phase[2] += tc - tb; phase[3] += td - tc; phase[4] += te - td; phase[5] += t1 - te;
            }
        }

        double us(long t) => t * 1e6 / Stopwatch.Frequency / count;
        Console.WriteLine($"framing handshake, both roles on one thread: {us(pure):F1} us (ctors {us(phase[0]):F1}, WriteAuth {us(phase[1]):F1}, TryReadAuth {us(phase[2]):F1}, WriteAck {us(phase[3]):F1}, recipient TakeSecrets {us(phase[4]):F1}, TryReadAck+TakeSecrets {us(phase[5]):F1})");
        long hs = 0;
        for (int i = 0; i < count + count / 5; i++)
        {
            (TransportConnection d, TransportConnection l, Func<ValueTask> cleanup) = await EngineThroughput.ConnectAsync(transport, ct);
            long t0 = Stopwatch.GetTimestamp();
            var ra = new RlpxConnection(d);
            var rb = new RlpxConnection(l);
            Task<PublicKey> hb = rb.HandshakeAsync(keyB, null, TimeSpan.FromSeconds(5), ct);
            await ra.HandshakeAsync(keyA, keyB.PublicKey, TimeSpan.FromSeconds(5), ct);
            await hb;
            long t1 = Stopwatch.GetTimestamp();
            await ra.DisposeAsync();
            await rb.DisposeAsync();
            await cleanup();
            if (i >= count / 5)
            {
                hs += t1 - t0;
            }
        }

        Console.WriteLine($"{transport}: RlpxConnection handshake alone {hs * 1e6 / Stopwatch.Frequency / count:F1} us per pair");
        Console.WriteLine($"{transport}: first-chance exceptions: {exceptions} in all ({string.Join(", ", exceptionTypes.OrderByDescending(p => p.Value).Take(6).Select(p => $"{p.Key} x{p.Value}"))})");
        Console.WriteLine($"{transport}: setup {setup * 1e6 / Stopwatch.Frequency / count:F1} us, close {close * 1e6 / Stopwatch.Frequency / count:F1} us per pair");
    }
}
