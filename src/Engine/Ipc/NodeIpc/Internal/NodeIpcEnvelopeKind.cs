namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>What one received message turned out to be.</summary>
internal enum NodeIpcEnvelopeKind
{
    /// <summary>A JSON object with a usable <c>type</c>: dispatch it.</summary>
    Message,

    /// <summary>Valid JSON without a usable type (a number, an array, no <c>type</c> field): node-ipc publishes it under <c>undefined</c>, which no handler can hear.</summary>
    NoType,

    /// <summary>Not JSON, empty, or <c>null</c>: node-ipc publishes an <c>error</c> event.</summary>
    Malformed,
}
