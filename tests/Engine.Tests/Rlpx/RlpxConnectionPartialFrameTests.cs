using System.Buffers;
using System.IO.Pipelines;
using Devp2p.Crypto;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Rlpx;

/// <summary>
/// Frames that arrive in pieces, with the reader waiting in between: the reader waits for the
/// rest of a frame, not for a whole frame's worth of new bytes.
/// </summary>
public sealed class RlpxConnectionPartialFrameTests
{
    [Theory]
    [InlineData(64 * 1024, 0.6)]
    [InlineData(64 * 1024, 0.99)]
    [InlineData(300, 0.5)]
    [InlineData(100_000, 0.02)]
    public async Task A_frame_whose_tail_arrives_after_the_reader_waited_is_read(int size, double firstShare)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var relay = await RelayedPairAsync(cts.Token);
        byte[] payload = new byte[size];
        new Random(size).NextBytes(payload);
        payload[0] = 0xb9;

        await relay.A.WriteMsgAsync(0x11, payload, cts.Token);
        byte[] frame = await relay.TakeAsync(cts.Token);
        int first = Math.Max(33, (int)(frame.Length * firstShare));
        ValueTask<Msg> read = relay.B.ReadMsgAsync(cts.Token);

        // The header and part of the body: the reader has seen them and waits for more.
        await relay.PassAsync(frame.AsMemory(0, first), cts.Token);
        await Task.Delay(50, cts.Token);
        Assert.False(read.IsCompleted);

        // Then the tail, and nothing after it: no more bytes come until the message is read.
        await relay.PassAsync(frame.AsMemory(first), cts.Token);
        using Msg msg = await read.AsTask().WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        Assert.Equal(0x11UL, msg.Code);
        Assert.Equal(payload, msg.Payload.ToArray());
    }

    [Fact]
    public async Task A_header_split_in_two_is_read_once_both_halves_are_there()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var relay = await RelayedPairAsync(cts.Token);
        await relay.A.WriteMsgAsync(0x12, new byte[] { 0x83, 1, 2, 3 }, cts.Token);
        byte[] frame = await relay.TakeAsync(cts.Token);
        ValueTask<Msg> read = relay.B.ReadMsgAsync(cts.Token);

        await relay.PassAsync(frame.AsMemory(0, 10), cts.Token);
        await Task.Delay(50, cts.Token);
        Assert.False(read.IsCompleted);
        await relay.PassAsync(frame.AsMemory(10), cts.Token);
        using Msg msg = await read.AsTask().WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        Assert.Equal(new byte[] { 0x83, 1, 2, 3 }, msg.Payload.ToArray());
    }

    /// <summary>A's bytes reach B only through the test: <see cref="TakeAsync"/> then <see cref="PassAsync"/>.</summary>
    private static async Task<Relay> RelayedPairAsync(CancellationToken ct)
    {
        (TransportConnection aSide, TransportConnection towardsA) = InMemoryTransport.CreatePair();
        (TransportConnection towardsB, TransportConnection bSide) = InMemoryTransport.CreatePair();
        var relay = new Relay(new RlpxConnection(aSide), new RlpxConnection(bSide), towardsA, towardsB);

        // The handshake passes through unchanged, both ways.
        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task forth = PumpAsync(towardsA.Transport.Input, towardsB.Transport.Output, pumping.Token);
        Task back = PumpAsync(towardsB.Transport.Input, towardsA.Transport.Output, CancellationToken.None);
        using var keyA = PrivateKey.Generate();
        using var keyB = PrivateKey.Generate();
        await Task.WhenAll(
            relay.A.HandshakeAsync(keyA, keyB.PublicKey, TimeSpan.FromSeconds(10), ct),
            relay.B.HandshakeAsync(keyB, null, TimeSpan.FromSeconds(10), ct));
        await pumping.CancelAsync();
        await forth;
        relay.Back = back;
        return relay;
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync(ct);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    await to.WriteAsync(segment, ct);
                }

                from.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Handshake done: the test moves A's bytes itself from now on.
        }
        catch (InvalidOperationException)
        {
            // The B-to-A pump at the end of the test: the connections were closed under it.
        }
    }

    private sealed class Relay(RlpxConnection a, RlpxConnection b, TransportConnection towardsA, TransportConnection towardsB) : IAsyncDisposable
    {
        public RlpxConnection A { get; } = a;

        public RlpxConnection B { get; } = b;

        public Task Back { get; set; } = Task.CompletedTask;

        /// <summary>Everything A has sent so far that B has not been given.</summary>
        public async Task<byte[]> TakeAsync(CancellationToken ct)
        {
            ReadResult result = await towardsA.Transport.Input.ReadAsync(ct);
            byte[] bytes = result.Buffer.ToArray();
            towardsA.Transport.Input.AdvanceTo(result.Buffer.End);
            return bytes;
        }

        public async Task PassAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) =>
            await towardsB.Transport.Output.WriteAsync(bytes, ct);

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await towardsA.DisposeAsync();
            await towardsB.DisposeAsync();
            await Back.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
