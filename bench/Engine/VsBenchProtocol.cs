namespace Devp2p.Bench.Engine;

/// <summary>
/// The capability both sides of the ethereumjs comparison speak (tests/Interop/peer/bench.mjs has
/// the same): <c>bench/1</c>, two codes. Code 0 is a sink: the responder drops it. Code 1 is echoed
/// back by the responder with the same payload; the driver uses it for round trips and, after a run
/// of code-0 messages, as a fence (messages arrive in order, so its echo means all of them arrived).
/// </summary>
internal static class VsBenchProtocol
{
    public const string Name = "bench";
    public const uint Version = 1;
    public const uint Length = 2;
    public const ulong SinkCode = 0;
    public const ulong EchoCode = 1;

    /// <summary>The responder's side: drop code 0, echo code 1, until the peer ends.</summary>
    public static Protocol Responder() => new()
    {
        Name = Name,
        Version = Version,
        Length = Length,
        Run = static async (_, rw, ct) =>
        {
            try
            {
                while (true)
                {
                    Msg msg = await rw.ReadMsgAsync(ct);
                    try
                    {
                        if (msg.Code == EchoCode)
                        {
                            await rw.WriteMsgAsync(EchoCode, msg.PayloadMemory, ct);
                        }
                    }
                    finally
                    {
                        msg.Dispose();
                    }
                }
            }
            catch (Exception ex) when (ex is PeerDisconnectedException or OperationCanceledException)
            {
                // The peer ended: the driver disconnected.
            }
        },
    };

    /// <summary>
    /// The driver's side: hands the read-writer to <paramref name="ready"/> and stays idle until the
    /// peer ends, so the measuring code reads and writes on it from outside.
    /// </summary>
    public static Protocol Driver(TaskCompletionSource<IMsgReadWriter> ready) => new()
    {
        Name = Name,
        Version = Version,
        Length = Length,
        Run = async (_, rw, ct) =>
        {
            ready.TrySetResult(rw);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // The peer ended.
            }
        },
    };

    /// <summary>
    /// Payload number <paramref name="k"/> of the generator in tests/Interop/peer/payload.mjs
    /// ("xorshift": incompressible, so snappy only adds work on both sides).
    /// </summary>
    public static byte[] Payload(uint seed, int k, int size)
    {
        byte[] bytes = new byte[size];
        uint x = unchecked(seed + (0x9E3779B9u * (uint)(k + 1)));
        if (x == 0)
        {
            x = 1;
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[i] = (byte)x;
        }

        return bytes;
    }
}
