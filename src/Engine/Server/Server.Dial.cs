using Devp2p.Enode;
using Devp2p.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Devp2p;

/// <content>
/// Dialling (go-ethereum's <c>dialScheduler</c>, run on the server loop): static nodes first, then
/// node-source candidates, within the free dial slots; each dial runs on its own task and reports back.
/// </content>
public sealed partial class Server
{
    /// <summary>Signals the node-source reader that the loop has a free dial slot (at most one permit).</summary>
    private readonly SemaphoreSlim _candidateWanted = new(0, 1);

    /// <summary>After every loop operation: start due static dials, invite a candidate, arm the wake-up timer.</summary>
    private void ScheduleDials()
    {
        if (_config.NoDial)
        {
            return;
        }

        long now = Environment.TickCount64;
        if (_dialScheduler.TakeStaticDials(now) is { } dials)
        {
            foreach (EnodeUrl node in dials)
            {
                StartDial(node, DialKind.Static);
            }
        }

        if (_config.NodeSource is not null && _dialScheduler.FreeSlots > 0 && _candidateWanted.CurrentCount == 0)
        {
            try
            {
                _candidateWanted.Release();
            }
            catch (SemaphoreFullException)
            {
                // The reader took no permit since the check; one is enough.
            }
        }

        if (_dialScheduler.NextStaticDue(now) is { } due)
        {
            _dialTimer?.Change(TimeSpan.FromMilliseconds(Math.Max(1, due - now)), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Timer callback: an operation that does nothing, so the loop runs <see cref="ScheduleDials"/>.</summary>
    private void OnDialTimer() => Post(s_noOperation);

    private void StartDial(EnodeUrl node, DialKind kind)
    {
        if (!_activity.TryEnter())
        {
            _dialScheduler.DialDone(node.Id, connected: false);
            return;
        }

        _log.LogTrace("Starting p2p dial to {Node} ({Kind})", node, kind);
        _ = Task.Run(() => DialAsync(node, kind));
    }

    private async Task DialAsync(EnodeUrl node, DialKind kind)
    {
        bool connected = false;
        try
        {
            TransportConnection transport;
            PreparedAuth auth;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_quit.Token);
                timeout.CancelAfter(_config.DialTimeout);

                // The auth is signed and encrypted while the connect is in flight.
                (transport, auth) = await Peer.ConnectPreparingAuthAsync(_dialer.DialAsync(node, timeout.Token), _peerOptions.PrivateKey, node.PublicKey).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!_quit.IsCancellationRequested)
                {
                    ServerMetrics.Dials.Add(1, ServerMetrics.Tag("outcome", "dial_failed"));
                    _log.LogDebug("Dial to {Node} failed: {Error}", node, ex.Message);
                }

                return;
            }

            // A node given by DNS name is checked against NetRestrict only now that its IP is known.
            if (transport.RemoteEndPoint is System.Net.IPEndPoint remote && !NetRestrict.Allows(_netRestrict, remote.Address))
            {
                ServerMetrics.Dials.Add(1, ServerMetrics.Tag("outcome", "netrestrict"));
                _log.LogDebug("Dial to {Node} reached {Remote}, which is not in NetRestrict", node, remote);
                auth.Dispose();
                await RejectEarlyAsync(transport, ConnectionRejection.NetRestrict).ConfigureAwait(false);
                return;
            }

            try
            {
                await SetupCoreAsync(transport, node, kind, CancellationToken.None, auth).ConfigureAwait(false);
                connected = true;
                ServerMetrics.Dials.Add(1, ServerMetrics.Tag("outcome", "connected"));
            }
            catch (Exception ex)
            {
                ServerMetrics.Dials.Add(1, ServerMetrics.Tag("outcome", "handshake_failed"));
                _log.LogDebug("Setting up dialled connection to {Node} failed: {Error}", node, ex.Message);
            }
        }
        finally
        {
            Post(() => _dialScheduler.DialDone(node.Id, connected));
            _activity.Exit();
        }
    }

    private void StartNodeSource()
    {
        if (_config.NodeSource is { } source && !_config.NoDial)
        {
            // Not an activity: Stop does not wait for user code, it only cancels it.
            _ = Task.Run(() => ReadNodeSourceAsync(source));
        }
    }

    /// <summary>go-ethereum's <c>readNodes</c>: takes a candidate only when the loop has a free slot.</summary>
    private async Task ReadNodeSourceAsync(INodeSource source)
    {
        CancellationToken quit = _quit.Token;
        try
        {
            IAsyncEnumerator<EnodeUrl> nodes = source.GetNodesAsync(quit).GetAsyncEnumerator(quit);
            await using (nodes.ConfigureAwait(false))
            {
                while (true)
                {
                    await _candidateWanted.WaitAsync(quit).ConfigureAwait(false);
                    if (!await nodes.MoveNextAsync().ConfigureAwait(false))
                    {
                        _log.LogDebug("The node source ended");
                        return;
                    }

                    EnodeUrl node = nodes.Current;
                    Post(() => DialCandidateOnLoop(node));
                }
            }
        }
        catch (OperationCanceledException) when (quit.IsCancellationRequested)
        {
            // The server stopped.
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "The node source failed; no more dynamic dials");
        }
    }

    private void DialCandidateOnLoop(EnodeUrl node)
    {
        if (_stopping || _dialScheduler.FreeSlots <= 0)
        {
            _log.LogTrace("Discarding dial candidate {Node}: no free dial slot", node);
            return;
        }

        long now = Environment.TickCount64;
        if (_dialScheduler.CheckDynamic(node, now) is { } reason)
        {
            _log.LogTrace("Discarding dial candidate {Node}: {Reason}", node, reason);
            return;
        }

        _dialScheduler.StartDynamic(node, now);
        StartDial(node, DialKind.Dynamic);
    }
}
