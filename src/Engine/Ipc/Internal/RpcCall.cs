namespace Devp2p.Ipc.Internal;

/// <summary>One call being served: its id and params as raw JSON, and where its response goes.</summary>
/// <param name="Id">The request id as raw JSON; empty for a notification.</param>
/// <param name="Params">The params member as raw JSON; empty when absent.</param>
/// <param name="Response">The message the response element is written into.</param>
internal readonly record struct RpcCall(ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Params, RpcResponseBuilder Response);
