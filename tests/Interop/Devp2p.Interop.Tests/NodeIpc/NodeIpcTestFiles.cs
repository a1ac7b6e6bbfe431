using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// Files one interop test owns under /tmp: a unique node-ipc socket id (so /tmp/app.&lt;id&gt; never
/// collides with another test or run) and, on request, a fresh self-signed TLS certificate for
/// 127.0.0.1. Disposing deletes whatever is left (socket files, the certificate folder).
/// </summary>
internal sealed class NodeIpcTestFiles : IDisposable
{
    private readonly List<string> _socketPaths = [];
    private string? _tlsDir;

    /// <summary>A new id such as <c>csipc1a2b3c4d5e</c>.</summary>
    public static string NewId() => "csipc" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Reserves a unique id and returns it; its socket path is <see cref="SocketPath"/>.</summary>
    public string Id()
    {
        string id = NewId();
        _socketPaths.Add(SocketPath(id));
        return id;
    }

    /// <summary>node-ipc's default Unix socket path of <paramref name="id"/>: /tmp/app.&lt;id&gt;.</summary>
    public static string SocketPath(string id) => "/tmp/app." + id;

    /// <summary>PEM certificate path (self-signed, CN=localhost, SAN IP 127.0.0.1 and DNS localhost), created on first use.</summary>
    public string TlsCertPath => Path.Combine(EnsureTls(), "cert.pem");

    /// <summary>PEM PKCS#8 private key path of <see cref="TlsCertPath"/>.</summary>
    public string TlsKeyPath => Path.Combine(EnsureTls(), "key.pem");

    public void Dispose()
    {
        foreach (string path in _socketPaths)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }

        if (_tlsDir is not null)
        {
            Directory.Delete(_tlsDir, recursive: true);
        }
    }

    private string EnsureTls()
    {
        if (_tlsDir is not null)
        {
            return _tlsDir;
        }

        string dir = Path.Combine(Path.GetTempPath(), "nodeipc-tls-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
        _tlsDir = dir;
        return dir;
    }
}
