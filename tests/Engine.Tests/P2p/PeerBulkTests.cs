using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

/// <summary>
/// Many messages of random sizes in both directions from several tasks at once, with every
/// payload's content and each task's order verified on the other side.
/// </summary>
public sealed class PeerBulkTests
{
    private const int SenderTasks = 4;
    private const int MaxSize = 100 * 1024;

    [Fact]
    public Task Hundred_thousand_messages_in_memory() => RunAsync(TransportKind.InMemory, totalMessages: 100_000, seed: 1);

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Unix)]
    public Task Thousands_of_messages_over_sockets(TransportKind kind) => RunAsync(kind, totalMessages: 4_000, seed: 2);

    /// <summary>The same with <see cref="PeerOptions.InlineDispatch"/>: the readers resume on the read loops, which also wait on full queues.</summary>
    [Theory]
    [InlineData(TransportKind.InMemory)]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Unix)]
    public Task Thousands_of_messages_with_inline_dispatch(TransportKind kind) => RunAsync(kind, totalMessages: 4_000, seed: 3, inlineDispatch: true);

    /// <summary>
    /// Each side runs <see cref="SenderTasks"/> writers; writer t sends its k-th message with code t,
    /// a size and content derived from (side, t, k). One reader per side checks that, per code,
    /// messages arrive in order and intact.
    /// </summary>
    private static async Task RunAsync(TransportKind kind, int totalMessages, int seed, bool inlineDispatch = false)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        int perTask = totalMessages / 2 / SenderTasks;
        var results = new TaskCompletionSource<long>[2];
        Protocol Bulk(int side) => new()
        {
            Name = "bulk",
            Version = 1,
            Length = SenderTasks,
            Run = async (peer, rw, ct) =>
            {
                var writers = new Task[SenderTasks];
                for (int t = 0; t < SenderTasks; t++)
                {
                    int task = t;
                    writers[t] = Task.Run(async () =>
                    {
                        byte[] buffer = new byte[MaxSize];
                        for (int k = 0; k < perTask; k++)
                        {
                            int size = Fill(seed, side, task, k, buffer);
                            await rw.WriteMsgAsync((ulong)task, buffer.AsMemory(0, size), ct);
                        }
                    }, ct);
                }

                long received = 0;
                var next = new int[SenderTasks];
                byte[] expected = new byte[MaxSize];
                while (received < perTask * SenderTasks)
                {
                    using Msg msg = await rw.ReadMsgAsync(ct);
                    int task = (int)msg.Code;
                    int size = Fill(seed, 1 - side, task, next[task], expected);
                    Assert.True(msg.Payload.SequenceEqual(expected.AsSpan(0, size)), $"message {next[task]} of task {task} differs");
                    next[task]++;
                    received++;
                }

                await Task.WhenAll(writers);
                results[side].SetResult(received);
                await Task.Delay(Timeout.Infinite, ct);
            },
        };
        results[0] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        results[1] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);

        (Peer a, Peer b) = await PeerTestKit.ConnectAsync(
            kind,
            PeerTestKit.Options(keyA, Bulk(0)) with { InlineDispatch = inlineDispatch },
            PeerTestKit.Options(keyB, Bulk(1)) with { InlineDispatch = inlineDispatch },
            cts.Token);
        Task<long> both = Task.WhenAll(results[0].Task, results[1].Task).ContinueWith(t => t.Result.Sum(), TaskScheduler.Default);
        Task first = await Task.WhenAny(both, a.Completion, b.Completion).WaitAsync(cts.Token);
        Assert.True(first == both, $"A peer ended early: A {(a.Completion.IsCompleted ? a.Completion.Result.ToString() : "running")}, B {(b.Completion.IsCompleted ? b.Completion.Result.ToString() : "running")}");
        Assert.Equal(perTask * SenderTasks * 2L, await both);

        a.Disconnect(DiscReason.Requested);
        Assert.Equal(DiscReason.Requested, (await PeerTestKit.EndOf(b)).Reason);
    }

    /// <summary>Writes message k of (side, task) into <paramref name="buffer"/> and returns its size (0 to 100 KiB).</summary>
    private static int Fill(int seed, int side, int task, int k, byte[] buffer)
    {
        // xorshift64* seeded from the message identity: fast enough that checking 5 GB stays cheap.
        ulong state = (ulong)(uint)HashCode.Combine(seed, side, task, k) | 1UL << 40;
        int size = (int)(Next(ref state) % (MaxSize + 1));
        Span<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan(0, size & ~7));
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = Next(ref state);
        }

        for (int i = size & ~7; i < size; i++)
        {
            buffer[i] = (byte)Next(ref state);
        }

        // Half the messages get a compressible stretch so snappy takes both of its paths.
        if ((k & 1) == 0 && size > 64)
        {
            buffer.AsSpan(size / 4, size / 2).Fill((byte)k);
        }

        return size;
    }

    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }
}
