using System.Globalization;

namespace Devp2p;

/// <summary>
/// A subprotocol run on top of RLPx (go-ethereum's <c>p2p.Protocol</c>): advertised in Hello as
/// <c>Name/Version</c>, owning <see cref="Length"/> message codes, and served on every peer that
/// shares it by one call of <see cref="Run"/>.
/// </summary>
/// <example>
/// <code>
/// var foo = new Protocol
/// {
///     Name = "MyProtocol", Version = 1, Length = 1,
///     Run = async (peer, rw, ct) =>
///     {
///         using Msg msg = await rw.ReadMsgAsync(ct);
///         ...
///     },
/// };
/// </code>
/// </example>
public sealed class Protocol
{
    /// <summary>The capability name, for example "eth"; short ASCII, at most 8 characters by convention (go-ethereum does not enforce it).</summary>
    public required string Name { get; init; }

    /// <summary>The version; when both sides list several versions of a name, the highest shared one runs.</summary>
    public required uint Version { get; init; }

    /// <summary>How many message codes the protocol uses: codes 0 to Length - 1.</summary>
    public required uint Length { get; init; }

    /// <summary>
    /// Serves the protocol on one peer, called once per peer on its own task once the Hello exchange
    /// has chosen this protocol. Read with <see cref="IMsgReader.ReadMsgAsync"/> and write with
    /// <see cref="IMsgWriter.WriteMsgAsync"/> (or <see cref="Messaging"/>) on the given
    /// <see cref="IMsgReadWriter"/>; the token fires when the peer ends.
    /// </summary>
    /// <remarks>
    /// As in go-ethereum: when Run returns, the peer is disconnected with <see cref="DiscReason.Quitting"/>
    /// (go's <c>errProtocolReturned</c>); when it throws, with <see cref="DiscReason.SubprotocolError"/>,
    /// or with the reason of a <see cref="PeerDisconnectedException"/> it throws. Once the peer has
    /// ended, reads and writes throw <see cref="PeerDisconnectedException"/>, which Run may let escape.
    /// </remarks>
    public required Func<Peer, IMsgReadWriter, CancellationToken, Task> Run { get; init; }

    /// <summary>Optional: protocol metadata about this node for <c>admin_nodeInfo</c> (serialized to JSON).</summary>
    public Func<object?>? NodeInfo { get; init; }

    /// <summary>
    /// Optional: protocol metadata about a connected peer (by node ID) for <c>admin_peers</c>;
    /// returning null shows "handshake", as go-ethereum does while the protocol is still handshaking.
    /// </summary>
    public Func<Peer, object?>? PeerInfo { get; init; }

    /// <summary>The capability this protocol advertises: <c>Name/Version</c>.</summary>
    public Cap Cap => new(Name, Version);

    internal ProtocolSpec Spec => new(Name, Version, Length);

    /// <summary>Returns "Name/Version".</summary>
    /// <returns>The capability text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}/{Version}");

    /// <summary>Checks the fields; called when a node starts with this protocol.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range; the message names it.</exception>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("Protocol.Name must not be empty.", nameof(Name));
        }

        if (Length == 0)
        {
            throw new ArgumentException($"Protocol {this}: Length must be at least 1.", nameof(Length));
        }

        if (Run is null)
        {
            throw new ArgumentException($"Protocol {this}: Run must be set.", nameof(Run));
        }
    }
}
