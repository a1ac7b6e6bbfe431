using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Builds <see cref="SslStream"/> options from node-ipc's TLS settings (PEM file paths).</summary>
internal static class NodeIpcTls
{
    /// <summary>Time a TLS handshake may take before the connection is dropped, so a silent peer cannot hold a slot.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <exception cref="ArgumentException">The certificate or key is not configured.</exception>
    /// <exception cref="IOException">A file cannot be read or parsed.</exception>
    public static SslServerAuthenticationOptions ServerOptions(NodeIpcTlsConfig tls)
    {
        if (string.IsNullOrEmpty(tls.Public) || string.IsNullOrEmpty(tls.Private))
        {
            throw new ArgumentException(
                "A node-ipc TLS server needs NodeIpcTlsConfig.Public (PEM certificate path) and Private (PEM key path); unlike node-ipc, no built-in certificate is shipped.",
                nameof(tls));
        }

        X509Certificate2 certificate = LoadCertificate(tls.Public, tls.Private);
        X509Certificate2Collection trusted = LoadTrusted(tls.TrustedConnections);
        bool requestCert = tls.RequestCert;
        bool reject = tls.RejectUnauthorized;
        return new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = requestCert,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                !requestCert || !reject || IsTrusted(cert, chain, errors, trusted, checkName: false),
        };
    }

    /// <exception cref="IOException">A file cannot be read or parsed.</exception>
    public static SslClientAuthenticationOptions ClientOptions(NodeIpcTlsConfig tls, string host)
    {
        X509Certificate2Collection trusted = LoadTrusted(tls.TrustedConnections);
        bool reject = tls.RejectUnauthorized;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName ?? host.Trim('[', ']'),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                !reject || IsTrusted(cert, chain, errors, trusted, checkName: true),
        };
        if (!string.IsNullOrEmpty(tls.Public) && !string.IsNullOrEmpty(tls.Private))
        {
            options.ClientCertificates = [LoadCertificate(tls.Public, tls.Private)];
        }

        return options;
    }

    private static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        try
        {
            X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use the ephemeral key of a PEM-loaded certificate; a PKCS#12 round trip persists it.
                using (certificate)
                {
                    return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
                }
            }

            return certificate;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot load the TLS certificate '{certificatePath}' with key '{keyPath}': {ex.Message}", ex);
        }
    }

    private static X509Certificate2Collection LoadTrusted(IList<string> paths)
    {
        var trusted = new X509Certificate2Collection();
        foreach (string path in paths)
        {
            try
            {
                trusted.ImportFromPemFile(path);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot load the trusted TLS certificate '{path}': {ex.Message}", ex);
            }
        }

        return trusted;
    }

    /// <summary>
    /// Node's check: with <c>ca</c> (trustedConnections) the chain must end at one of those roots,
    /// otherwise at a system root; a client also checks the host name.
    /// </summary>
    private static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection trusted, bool checkName)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        if (checkName && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (trusted.Count == 0)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        X509Certificate2 leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
