namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// TLS settings (node-ipc's <c>config.tls</c> object). Files are PEM. A server needs
/// <see cref="Public"/> and <see cref="Private"/>; a client needs them only to present a client
/// certificate.
/// </summary>
public sealed class NodeIpcTlsConfig
{
    /// <summary>Path of this side's PEM certificate (node-ipc's <c>tls.public</c>).</summary>
    public string? Public { get; set; }

    /// <summary>Path of this side's PEM private key, unencrypted PKCS#8, PKCS#1 or SEC1 (node-ipc's <c>tls.private</c>).</summary>
    public string? Private { get; set; }

    /// <summary>
    /// Paths of PEM certificates trusted as roots for the other side (node-ipc's
    /// <c>tls.trustedConnections</c>, which become Node's <c>ca</c>). When empty, the system's
    /// trusted roots are used.
    /// </summary>
    public IList<string> TrustedConnections { get; set; } = [];

    /// <summary>Server only: asks clients for a certificate (Node's <c>requestCert</c>, default false).</summary>
    public bool RequestCert { get; set; }

    /// <summary>
    /// Rejects a peer whose certificate does not validate (Node's <c>rejectUnauthorized</c>, default
    /// true). A client checks the server's chain and host name; a server checks client certificates
    /// only when <see cref="RequestCert"/> is set, and then also rejects a client that sends none.
    /// </summary>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>Client only: the host name the server certificate must match (Node's <c>servername</c>); by default the host connected to.</summary>
    public string? ServerName { get; set; }
}
