namespace Devp2p.Internal;

/// <summary>How a connection came about (go-ethereum's <c>connFlag</c> without the trusted bit).</summary>
internal enum DialKind
{
    /// <summary>The remote dialled us.</summary>
    Inbound,

    /// <summary>We dialled a static node.</summary>
    Static,

    /// <summary>We dialled a node-source candidate; these stop at MaxDialedConns.</summary>
    Dynamic,

    /// <summary>An outbound connection handed to SetupConn: counted as dialled, never refused for it.</summary>
    Manual,
}
