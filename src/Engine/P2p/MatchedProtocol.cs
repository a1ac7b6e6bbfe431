namespace Devp2p;

/// <summary>
/// A subprotocol both sides support, at the version chosen for this connection, with the range of
/// message codes it owns on the connection: <c>[Offset, Offset + Protocol.Length)</c>.
/// </summary>
/// <param name="Protocol">Our protocol, at the highest version both sides share.</param>
/// <param name="Offset">The first connection-level message code of the protocol (16 or more).</param>
internal readonly record struct MatchedProtocol(ProtocolSpec Protocol, uint Offset)
{
    /// <summary>The protocol name.</summary>
    public string Name => Protocol.Name;

    /// <summary>The negotiated version.</summary>
    public uint Version => Protocol.Version;

    /// <summary>How many codes the protocol owns from <see cref="Offset"/>.</summary>
    public uint Length => Protocol.Length;
}
