namespace Devp2p.Ipc.Internal;

/// <summary>A live subscription on one server connection.</summary>
internal abstract class ServerSubscription(string id)
{
    /// <summary>The subscription id the client was given ("0x…").</summary>
    public string Id { get; } = id;

    /// <summary>Completes when both loops of a started subscription have ended.</summary>
    public Task Completion { get; protected set; } = Task.CompletedTask;

    /// <summary>Starts pulling items and sending notifications; called once, after the subscribe response is sent.</summary>
    public abstract void Start();

    /// <summary>Ends the subscription quietly (unsubscribe or connection end). Safe to call more than once, before or after <see cref="Start"/>.</summary>
    public abstract void Stop();

    /// <summary>
    /// <see cref="Stop"/>, then waits until no notification of this subscription is being written,
    /// so that whatever the caller writes next follows the last one (the unsubscribe answer does).
    /// </summary>
    public abstract ValueTask StopAndWaitAsync();
}
