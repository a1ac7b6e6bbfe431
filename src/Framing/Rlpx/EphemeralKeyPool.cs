using System.Collections.Concurrent;
using Devp2p.Crypto;

namespace Devp2p.Framing.Rlpx;

/// <summary>
/// Ephemeral keys made ahead of need, so that a handshake does not spend its two key generations
/// (a fixed-base multiplication each, about 22 µs) on its latency path. A handshake takes its keys
/// here and asks for a refill when it is disposed, i.e. once its latency no longer matters; one
/// background work item then tops the pool up to <see cref="Capacity"/>. An empty pool makes the
/// key on the spot, so nothing ever waits for a refill.
/// </summary>
/// <remarks>
/// Every key is handed out once and then owned (and disposed) by its taker. A key waits here
/// unused, pinned and never copied, until a handshake takes it; it is as safe in memory as the
/// node key beside it, and forward secrecy is unchanged: a session's ephemeral key is still
/// destroyed when its handshake ends.
/// </remarks>
internal static class EphemeralKeyPool
{
    /// <summary>Keys kept ready: enough for a burst of four handshakes (two keys each).</summary>
    public const int Capacity = 8;

    private static readonly ConcurrentQueue<PrivateKey> s_keys = new();
    private static readonly RefillWorkItem s_refill = new();
    private static int s_count;
    private static int s_refillQueued;

    /// <summary>Keys ready now (for tests).</summary>
    internal static int Count => Volatile.Read(ref s_count);

    /// <summary>A fresh key, from the pool when it has one; the caller owns it.</summary>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed.</exception>
    public static PrivateKey Take()
    {
        if (s_keys.TryDequeue(out PrivateKey? ready))
        {
            Interlocked.Decrement(ref s_count);
            return ready;
        }

        return PrivateKey.Generate();
    }

    /// <summary>Queues one refill to <see cref="Capacity"/> unless the pool is full or a refill is already queued.</summary>
    public static void Replenish()
    {
        if (Volatile.Read(ref s_count) < Capacity && Interlocked.CompareExchange(ref s_refillQueued, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(s_refill, preferLocal: false);
        }
    }

    private static void Refill()
    {
        try
        {
            while (Volatile.Read(ref s_count) < Capacity)
            {
                s_keys.Enqueue(PrivateKey.Generate());
                Interlocked.Increment(ref s_count);
            }
        }
        catch (Exception)
        {
            // Take makes its keys itself while the pool is empty, and reports the failure then.
        }
        finally
        {
            Volatile.Write(ref s_refillQueued, 0);
        }
    }

    private sealed class RefillWorkItem : IThreadPoolWorkItem
    {
        public void Execute() => Refill();
    }
}
