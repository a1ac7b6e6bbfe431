namespace Devp2p;

/// <summary>
/// What capability matching needs to know of one of our subprotocols: go-ethereum's
/// <c>Protocol.Name</c>, <c>Version</c> and <c>Length</c>.
/// </summary>
/// <param name="Name">The protocol name as advertised in Hello.</param>
/// <param name="Version">The protocol version.</param>
/// <param name="Length">How many message codes the protocol uses (codes 0 to Length - 1).</param>
internal readonly record struct ProtocolSpec(string Name, uint Version, uint Length);
