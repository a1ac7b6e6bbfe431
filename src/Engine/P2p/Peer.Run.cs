using System.Diagnostics;
using Devp2p.Framing.Rlp;
using Devp2p.Framing.Rlpx;
using Devp2p.Framing.Snappy;
using Devp2p.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <content>The peer's tasks: read loop, timer loop, protocol runs, and the ordered shutdown.</content>
public sealed partial class Peer
{
    /// <summary>The empty list <c>0xc0</c>: the payload of Ping and Pong (go sends <c>SendItems(rw, pingMsg)</c>).</summary>
    private static readonly ReadOnlyMemory<byte> s_emptyList = new byte[] { 0xC0 };

    /// <summary>Pongs that may wait to be written before the read loop stops (go-ethereum's pingRecv buffer).</summary>
    private const int PongQueueCapacity = 16;

    /// <summary>go-ethereum's <c>discWriteTimeout</c>: how long the Disconnect write may wait.</summary>
    private static readonly TimeSpan s_disconnectWriteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Timer loop granularity bounds: checks run at a quarter of the shortest timeout, within these limits.</summary>
    private static readonly TimeSpan s_minTick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxTick = TimeSpan.FromSeconds(1);

    private readonly string _logScope;
    private readonly object _pingLock = new();
    private TaskCompletionSource<long>? _pendingPing;
    private long _pingsReceived;

    private long _pongsReceived;

    /// <summary>Pong writes started and not finished (see <see cref="RequestPongAsync"/>).</summary>
    private int _pongsInFlight;

    /// <summary>
    /// Sends a base-protocol Ping and waits for the next Pong, returning the round trip.
    /// Concurrent calls share one Ping.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The time from sending the Ping to reading a Pong.</returns>
    /// <exception cref="PeerDisconnectedException">The peer ended first.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<long> pong;
        bool send;
        lock (_pingLock)
        {
            send = _pendingPing is null;
            pong = _pendingPing ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        long start = Stopwatch.GetTimestamp();
        if (send)
        {
            await SendBaseAsync(BaseProtocol.PingCode, cancellationToken).ConfigureAwait(false);
        }

        Task finished = await Task.WhenAny(pong.Task, _end.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (finished != pong.Task)
        {
            throw CreateDisconnectedException();
        }

        return Stopwatch.GetElapsedTime(start, pong.Task.Result);
    }

    /// <summary>Starts the peer's tasks; called once by whoever set the peer up.</summary>
    internal void Start()
    {
        _completion = RunAsync();
    }

    /// <summary>Decides the end, once; later calls are ignored.</summary>
    internal void End(PeerDisconnect end)
    {
        if (_end.TrySetResult(end))
        {
            LogEnd(end);
        }
    }

    internal void OnWriteFailed(Exception error) => End(new PeerDisconnect(DiscReason.NetworkError, false, error));

    internal void OnMessageSent(ProtocolChannel channel, ulong code, int size) => Observer?.OnMessage(this, channel.Protocol, code, size, sent: true);

    private async Task<PeerDisconnect> RunAsync()
    {
        using var lingerCancellation = new CancellationTokenSource();
        Task readLoop = Task.Run(() => ReadLoopAsync(lingerCancellation.Token));
        // The timer loop ends when the timer is disposed (its wait returns false), not by a token:
        // every peer's end would otherwise throw an OperationCanceledException.
        var timer = new PeriodicTimer(TimerTick(_options));
        Task timerLoop = Task.Run(() => TimerLoopAsync(timer));
        var protocolTasks = new Task[_channels.Length];
        for (int i = 0; i < _channels.Length; i++)
        {
            ProtocolChannel channel = _channels[i];
            protocolTasks[i] = Task.Run(() => RunProtocolAsync(channel));
        }

        PeerDisconnect end = await _end.Task.ConfigureAwait(false);
        timer.Dispose();

        // Protocols first: their pending reads end with the reason, their token fires.
        foreach (ProtocolChannel channel in _channels)
        {
            channel.Complete();
        }

        await _runCancellation.CancelAsync().ConfigureAwait(false);

        // go-ethereum sends Disconnect unless the network failed (the write would fail too); not
        // when the remote sent it. An explicit Disconnect(NetworkError) carries no error and is sent.
        if (!end.RequestedByRemote && !(end.Reason == DiscReason.NetworkError && end.Error is not null))
        {
            await TrySendDisconnectAsync(end.Reason).ConfigureAwait(false);
        }

        // Lingering close: FIN our side, read until the remote closes, then close.
        using (var closeTimeout = new CancellationTokenSource(_options.DisconnectLinger))
        {
            await _connection.CompleteOutputAsync(closeTimeout.Token).ConfigureAwait(false);
            try
            {
                await readLoop.WaitAsync(closeTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _connection.Abort(new ConnectionAbortedExceptionForLinger());
                await lingerCancellation.CancelAsync().ConfigureAwait(false);
                await readLoop.ConfigureAwait(false);
            }
        }

        await timerLoop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(protocolTasks).ConfigureAwait(false);
        _runCancellation.Dispose();
        return end;
    }

    private async Task ReadLoopAsync(CancellationToken lingerToken)
    {
        try
        {
            while (true)
            {
                if (await _connection.ReadMsgOrEndAsync(lingerToken).ConfigureAwait(false) is not { } msg)
                {
                    // The remote closed between frames: the normal end after a Disconnect, and
                    // common enough (every connection) not to be an exception.
                    End(new PeerDisconnect(DiscReason.NetworkError, false, new EndOfStreamException("The peer closed the connection.")));
                    return;
                }

                if (IsEnding)
                {
                    // Past the end, frames are read only to let the remote finish: drop them.
                    msg.Dispose();
                    continue;
                }

                if (msg.Code < BaseProtocol.Length)
                {
                    if (HandleBaseMessage(msg))
                    {
                        await RequestPongAsync(lingerToken).ConfigureAwait(false);
                    }

                    continue;
                }

                ProtocolChannel? channel = FindChannel(msg.Code);
                if (channel is null)
                {
                    ulong code = msg.Code;
                    msg.Dispose();
                    End(new PeerDisconnect(DiscReason.ProtocolError, false, new InvalidDataException($"Message code {code} belongs to no protocol running on this connection.")));
                    continue;
                }

                Msg relative = msg.WithCode(msg.Code - channel.Offset);
                Observer?.OnMessage(this, channel.Protocol, relative.Code, (int)relative.Size, sent: false);
                if (!await channel.EnqueueAsync(relative).ConfigureAwait(false))
                {
                    relative.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is FrameException or SnappyException or RlpException or InvalidDataException)
        {
            End(new PeerDisconnect(DiscReason.ProtocolError, false, ex));
        }
        catch (OperationCanceledException) when (lingerToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // The end of the stream, a reset, or an abort: the network is gone.
            End(new PeerDisconnect(DiscReason.NetworkError, false, ex));
            return;
        }

        // The ingress is dead but the remote may still be sending: drain until it closes.
        try
        {
            await _connection.DrainInputAsync(lingerToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Abort or cancellation: the close is forced anyway.
        }
    }

    /// <summary>
    /// Answers a Ping. Up to <see cref="PongQueueCapacity"/> Pong writes run in the background, so
    /// the read loop goes on while our output is full (if it waited, two peers with full outputs
    /// would stop each other's read loops); past that, the read loop waits for the write, so a
    /// remote that floods Pings without reading our answers cannot make us hold Pongs without bound.
    /// go-ethereum bounds it the same way: readLoop hands Pings to pingLoop through a 16-slot channel.
    /// </summary>
    private ValueTask RequestPongAsync(CancellationToken lingerToken)
    {
        if (Interlocked.Increment(ref _pongsInFlight) <= PongQueueCapacity)
        {
            _ = SendPongAsync();
            return ValueTask.CompletedTask;
        }

        Interlocked.Decrement(ref _pongsInFlight);
        return SendBaseAsync(BaseProtocol.PongCode, lingerToken);
    }

    private async Task SendPongAsync()
    {
        try
        {
            await SendBaseAsync(BaseProtocol.PongCode, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pongsInFlight);
        }
    }

    /// <summary>Handles a base-protocol message; returns true when it was a Ping that needs a Pong.</summary>
    private bool HandleBaseMessage(Msg msg)
    {
        using (msg)
        {
            switch (msg.Code)
            {
                case BaseProtocol.DisconnectCode:
                    End(new PeerDisconnect(DisconnectMessage.Decode(msg.Payload), true, null));
                    break;
                case BaseProtocol.PingCode:
                    Interlocked.Increment(ref _pingsReceived);
                    return true;
                case BaseProtocol.PongCode:
                    Interlocked.Increment(ref _pongsReceived);
                    CompletePing();
                    break;
                default:
                    // go-ethereum ignores the other base codes, including a second Hello.
                    break;
            }
        }

        return false;
    }

    private void CompletePing()
    {
        TaskCompletionSource<long>? pending;
        lock (_pingLock)
        {
            pending = _pendingPing;
            _pendingPing = null;
        }

        pending?.TrySetResult(Stopwatch.GetTimestamp());
    }

    private ProtocolChannel? FindChannel(ulong code)
    {
        foreach (ProtocolChannel channel in _channels)
        {
            if (channel.Owns(code))
            {
                return channel;
            }
        }

        return null;
    }

    /// <summary>The timer loop's period: a quarter of the shortest timeout, within <see cref="s_minTick"/> and <see cref="s_maxTick"/>.</summary>
    private static TimeSpan TimerTick(PeerOptions options)
    {
        TimeSpan shortest = Min(Min(options.FrameReadTimeout, options.FrameWriteTimeout), options.PingInterval);
        return Min(Max(shortest / 4, s_minTick), s_maxTick);
    }

    /// <summary>Read and write timeouts and the Ping schedule; runs until <paramref name="timer"/> is disposed or a timeout ends the peer.</summary>
    private async Task TimerLoopAsync(PeriodicTimer timer)
    {
        long readTimeout = ToTicks(_options.FrameReadTimeout);
        long writeTimeout = ToTicks(_options.FrameWriteTimeout);
        long pingInterval = ToTicks(_options.PingInterval);
        long nextPing = Stopwatch.GetTimestamp() + pingInterval;

        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            long now = Stopwatch.GetTimestamp();
            long readStarted = _connection.ReadStartedAt;
            if (readStarted != 0 && now - readStarted > readTimeout)
            {
                End(new PeerDisconnect(DiscReason.ReadTimeout, false, new TimeoutException($"No frame arrived within {_options.FrameReadTimeout.TotalMilliseconds:0} ms.")));
                return;
            }

            long writeStarted = _connection.WriteStartedAt;
            if (writeStarted != 0 && now - writeStarted > writeTimeout)
            {
                End(new PeerDisconnect(DiscReason.NetworkError, false, new TimeoutException($"The peer did not take a frame within {_options.FrameWriteTimeout.TotalMilliseconds:0} ms.")));
                return;
            }

            if (now >= nextPing)
            {
                nextPing = now + pingInterval;
                _ = SendBaseAsync(BaseProtocol.PingCode, CancellationToken.None).AsTask();
            }
        }
    }

    private async Task RunProtocolAsync(ProtocolChannel channel)
    {
        try
        {
            await channel.Protocol.Run(this, channel, _runCancellation.Token).ConfigureAwait(false);
            End(new PeerDisconnect(DiscReason.Quitting, false, new InvalidOperationException($"Protocol {channel.Protocol} returned.")));
        }
        catch (PeerDisconnectedException ex)
        {
            // Either the peer had already ended (this is its echo), or Run chose a reason.
            End(new PeerDisconnect(ex.Reason, false, ex.InnerException));
        }
        catch (OperationCanceledException) when (_runCancellation.IsCancellationRequested)
        {
            // The peer ended while Run waited.
        }
        catch (Exception ex)
        {
            End(new PeerDisconnect(DiscReason.SubprotocolError, false, ex));
        }
    }

    private async ValueTask SendBaseAsync(byte code, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.WriteMsgAsync(code, s_emptyList, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            OnWriteFailed(ex);
            if (code == BaseProtocol.PingCode && cancellationToken.CanBeCanceled)
            {
                throw CreateDisconnectedException();
            }
        }
    }

    private async Task TrySendDisconnectAsync(DiscReason reason)
    {
        byte[] payload = new byte[DisconnectMessage.GetLength(reason)];
        DisconnectMessage.Encode(reason, payload);
        using var timeout = new CancellationTokenSource(s_disconnectWriteTimeout);
        try
        {
            await _connection.WriteMsgAsync(BaseProtocol.DisconnectCode, payload, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LogDebug(ex, "{Peer}: could not send Disconnect ({Reason})", _logScope, reason.ToText());
        }
    }

    private void LogEnd(PeerDisconnect end)
    {
        if (Log.IsEnabled(LogLevel.Debug))
        {
            Log.LogDebug(end.Error, "{Peer}: disconnecting, {Reason}", _logScope, end.ToString());
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The abort reason when the remote did not close within the linger time.</summary>
    private sealed class ConnectionAbortedExceptionForLinger() : IOException("The remote did not close the connection within the disconnect linger time.");
}
