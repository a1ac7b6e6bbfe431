using System.Runtime.CompilerServices;
using Devp2p.Ipc;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>The methods and subscriptions the IPC tests serve, with hooks to observe what the server did.</summary>
internal sealed class RpcTestService
{
    private static readonly RpcTestJsonContext s_json = RpcTestJsonContext.Default;
    private int _counted;
    private long _floodProduced;

    /// <summary>Completes when test_block has started.</summary>
    public TaskCompletionSource BlockEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when test_block saw its token canceled.</summary>
    public TaskCompletionSource BlockCanceled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a "ticks" source was stopped (its enumeration disposed).</summary>
    public TaskCompletionSource TicksEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a "flood" source was stopped.</summary>
    public TaskCompletionSource FloodEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Counted => Volatile.Read(ref _counted);

    public long FloodProduced => Interlocked.Read(ref _floodProduced);

    public RpcMethodRegistry CreateRegistry()
    {
        var registry = new RpcMethodRegistry();
        registry.Add("test_echo", s_json.String, s_json.String, static (text, ct) => ValueTask.FromResult(text));
        registry.Add("test_add", s_json.Int32, s_json.Int32, s_json.Int32, static (a, b, ct) => ValueTask.FromResult(a + b));
        registry.Add(
            "test_optional",
            s_json.String,
            s_json.NullableInt32,
            s_json.String,
            s_json.String,
            static (string text, int? number, string? note, CancellationToken ct) =>
                ValueTask.FromResult($"{text}|{number?.ToString() ?? "null"}|{note ?? "null"}"));
        registry.Add(
            "test_five",
            s_json.Int32,
            s_json.Int32,
            s_json.Int32,
            s_json.Int32,
            s_json.NullableInt32,
            s_json.Int32,
            static (a, b, c, d, e, ct) => ValueTask.FromResult(a + b + c + d + (e ?? 100)));
        registry.Add("test_count", s_json.Int32, ct => ValueTask.FromResult(Interlocked.Increment(ref _counted)));
        registry.Add("test_sleep", s_json.Int32, s_json.Int32, static async (ms, ct) =>
        {
            await Task.Delay(ms, ct);
            return ms;
        });
        registry.Add("test_fail", s_json.Int32, s_json.String, s_json.Boolean, static (code, message, ct) =>
            throw new RpcException(code, message, new[] { "detail", message }));
        registry.Add<bool>("test_throw", s_json.Boolean, static ct => throw new InvalidOperationException("boom"));
        registry.Add("test_block", s_json.Boolean, async ct =>
        {
            BlockEntered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                BlockCanceled.TrySetResult();
                throw;
            }

            return true;
        });
        registry.Add("test_describe", s_json.TestItem, s_json.String, static (item, ct) => ValueTask.FromResult($"{item.Seq}:{item.Text}"));
        registry.Add("test_big", s_json.Int32, s_json.String, static (n, ct) => ValueTask.FromResult(new string('x', n)));
        registry.Add("test_item", s_json.Int32, s_json.TestItem, static (seq, ct) => ValueTask.FromResult(new TestItem(seq, "item " + seq)));

        registry.AddSubscription("test", "counter", s_json.Int32, s_json.Int32, static (n, ct) => Counter(n, ct));
        registry.AddSubscription("test", "ticks", s_json.TestItem, ct => Ticks(ct));
        registry.AddSubscription("test", "flood", s_json.TestItem, ct => Flood(ct));
        registry.AddSubscription("test", "failing", s_json.Int32, static ct => Failing(ct));
        return registry;
    }

    private static async IAsyncEnumerable<int> Failing([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return 1;
        throw new InvalidOperationException("source broke");
    }

    private static async IAsyncEnumerable<int> Counter(int n, [EnumeratorCancellation] CancellationToken ct)
    {
        for (int i = 0; i < n; i++)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    private async IAsyncEnumerable<TestItem> Ticks([EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                yield return new TestItem(i, "tick");
                await Task.Delay(5, ct);
            }
        }
        finally
        {
            TicksEnded.TrySetResult();
        }
    }

    private async IAsyncEnumerable<TestItem> Flood([EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            string padding = new('p', 200);
            for (int i = 0; ; i++)
            {
                if (i % 256 == 0)
                {
                    await Task.Yield();
                }

                ct.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _floodProduced);
                yield return new TestItem(i, padding);
            }
        }
        finally
        {
            FloodEnded.TrySetResult();
        }
    }
}
