namespace Devp2p.Engine.Tests.P2p.Adversarial;

/// <summary>One frame a <see cref="ManualRemote"/> opened.</summary>
/// <param name="Code">The connection-level message code.</param>
/// <param name="Payload">The payload after snappy decompression (when the remote has snappy on).</param>
/// <param name="WirePayload">The payload exactly as it was in the frame.</param>
internal sealed record RemoteFrame(ulong Code, byte[] Payload, byte[] WirePayload)
{
    public override string ToString() => $"frame code {Code}, {Payload.Length} bytes: {Convert.ToHexStringLower(Payload.AsSpan(0, Math.Min(Payload.Length, 32)))}";
}
