using System.Buffers;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>The result of reading one message's <c>{"type":..,"data":..}</c> envelope.</summary>
internal readonly struct NodeIpcEnvelope
{
    public NodeIpcEnvelopeKind Kind { get; init; }

    /// <summary>The bytes of the <c>data</c> value, borrowed from the message.</summary>
    public ReadOnlySequence<byte> Data { get; init; }

    public bool HasData { get; init; }

    /// <summary>A truthy <c>data.id</c> seen by a server, as text; null when absent or falsy.</summary>
    public string? Id { get; init; }

    /// <summary>Why a malformed message was rejected.</summary>
    public string? Error { get; init; }
}
