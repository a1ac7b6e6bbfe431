namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>A typed payload for the JsonTypeInfo handler and emit overloads.</summary>
internal sealed record TestPoint(int X, int Y, string? Id = null);
