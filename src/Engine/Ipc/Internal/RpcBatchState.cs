namespace Devp2p.Ipc.Internal;

/// <summary>The calls of one batch sent by <see cref="RpcClient"/>.</summary>
internal sealed class RpcBatchState(RpcClient owner, PendingCall[] calls)
{
    public RpcClient Owner { get; } = owner;

    public PendingCall[] Calls { get; } = calls;
}
