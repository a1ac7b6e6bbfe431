using System.Diagnostics;
using System.Net;
using Devp2p.Crypto;
using Devp2p.Transports;

namespace Devp2p.Bench.Engine;

/// <summary>
/// Two peers in one process on a real transport: one protocol task sends messages of one size as
/// fast as the connection takes them, the other reads and disposes them. Measures messages/s,
/// payload MB/s and bytes allocated per message (GC.GetTotalAllocatedBytes(true), whole process,
/// both peers, after a warm-up run).
/// </summary>
internal static class EngineThroughput
{
    public static async Task<ThroughputResult> RunAsync(string transport, int size, bool snappy, int messages, CancellationToken ct, bool inlineDispatch = false)
    {
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        byte[] payload = new byte[size];
        new Random(42).NextBytes(payload);

        var sender = new BenchSender(payload);
        var receiver = new BenchReceiver();
        PeerOptions Options(PrivateKey key, Protocol protocol) => new()
        {
            PrivateKey = key,
            Protocols = [protocol],
            BaseProtocolVersion = snappy ? 5UL : 4UL,
            InlineDispatch = inlineDispatch,
        };

        (TransportConnection dialer, TransportConnection listener, Func<ValueTask> cleanup) = await ConnectAsync(transport, ct);
        Task<Peer> inbound = Peer.ConnectAsync(listener, Options(keyB, receiver.Protocol), null, ct);
        Peer a = await Peer.ConnectAsync(dialer, Options(keyA, sender.Protocol), keyB.PublicKey, ct);
        Peer b = await inbound;
        try
        {
            IMsgWriter writer = await sender.Writer.Task.WaitAsync(ct);

            // Warm-up: JIT (the runtime promotes hot methods to optimized code only after a delay,
            // so the warm-up runs for at least a second), pools, pipe segments, channel waiters.
            long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            do
            {
                await Measure(writer, receiver, Math.Max(messages / 5, 2000), ct);
            }
            while (Stopwatch.GetTimestamp() < warmUntil);

            return await Measure(writer, receiver, messages, ct) with { Transport = transport, Size = size, Snappy = snappy };
        }
        finally
        {
            a.Disconnect(DiscReason.Requested);
            await a.Completion;
            await b.Completion;
            await cleanup();
        }
    }

    private static async Task<ThroughputResult> Measure(IMsgWriter writer, BenchReceiver receiver, int messages, CancellationToken ct)
    {
        Task<long> received = receiver.ExpectAsync(messages);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        await BenchSender.SendAsync(writer, messages, ct);
        long bytes = await received.WaitAsync(ct);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new ThroughputResult("", 0, false, messages, elapsed, bytes, (double)allocated / messages);
    }

    internal static async Task<(TransportConnection Dialer, TransportConnection Listener, Func<ValueTask> Cleanup)> ConnectAsync(string transport, CancellationToken ct)
    {
        if (transport == "inmemory")
        {
            (TransportConnection first, TransportConnection second) = InMemoryTransport.CreatePair();
            return (first, second, () => ValueTask.CompletedTask);
        }

        string? path = null;
        SocketTransportListener listener;
        if (transport == "unix")
        {
            path = Path.Combine(Path.GetTempPath(), "d2p-bench-" + Environment.ProcessId + ".sock");
            listener = SocketTransportListener.ForUnixSocket(path);
        }
        else
        {
            listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        }

        await listener.BindAsync(ct);
        ValueTask<TransportConnection?> accept = listener.AcceptAsync(ct);
        TransportConnection dialed = await new SocketTransportDialer().ConnectAsync(listener.EndPoint, ct);
        TransportConnection accepted = await accept ?? throw new InvalidOperationException("listener closed");
        return (dialed, accepted, () => listener.DisposeAsync());
    }

    /// <summary>The sending side: its Run hands out the writer and waits for the peer to end.</summary>
    private sealed class BenchSender(byte[] payload)
    {
        private static ReadOnlyMemory<byte> s_payload;

        public TaskCompletionSource<IMsgWriter> Writer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Protocol Protocol => new()
        {
            Name = "bench",
            Version = 1,
            Length = 2,
            Run = async (_, rw, ct) =>
            {
                s_payload = payload;
                Writer.TrySetResult(rw);
                await Task.Delay(Timeout.Infinite, ct);
            },
        };

        public static async Task SendAsync(IMsgWriter writer, int messages, CancellationToken ct)
        {
            ReadOnlyMemory<byte> data = s_payload;
            for (int i = 0; i < messages; i++)
            {
                await writer.WriteMsgAsync(0, data, ct);
            }
        }
    }

    /// <summary>The receiving side: reads, counts and disposes.</summary>
    private sealed class BenchReceiver
    {
        private TaskCompletionSource<long>? _done;
        private int _remaining;
        private long _bytes;

        public Protocol Protocol => new()
        {
            Name = "bench",
            Version = 1,
            Length = 2,
            Run = async (_, rw, ct) =>
            {
                while (true)
                {
                    Msg msg = await rw.ReadMsgAsync(ct);
                    _bytes += msg.Size;
                    msg.Dispose();
                    if (--_remaining == 0)
                    {
                        _done!.TrySetResult(_bytes);
                    }
                }
            },
        };

        public Task<long> ExpectAsync(int messages)
        {
            _bytes = 0;
            _done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, messages);
            return _done.Task;
        }
    }
}
