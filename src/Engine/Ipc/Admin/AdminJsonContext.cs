using System.Text.Json.Serialization;

namespace Devp2p.Ipc.Admin;

/// <summary>
/// Source-generated JSON metadata for the node API's results and notifications (<see cref="NodeRpcApi"/>):
/// <see cref="Devp2p.NodeInfo"/>, <see cref="Devp2p.PeerInfo"/> and <see cref="Devp2p.PeerEvent"/>
/// with go-ethereum's property names. Clients decode with the same metadata, for example
/// <c>client.CallAsync("admin_nodeInfo", AdminJsonContext.Default.NodeInfo, ct)</c>.
/// </summary>
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(IReadOnlyList<PeerInfo>))]
[JsonSerializable(typeof(PeerInfo[]))]
[JsonSerializable(typeof(PeerEvent))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
public sealed partial class AdminJsonContext : JsonSerializerContext
{
}
