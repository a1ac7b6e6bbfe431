using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Devp2p.Ipc.NodeIpc;

namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>Bounded timeouts, private socket directories, quiet configs and a throwaway TLS CA for the node-ipc tests.</summary>
internal static class NodeIpcTestKit
{
    /// <summary>Upper bound for one test; each finishes far sooner when healthy.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Short retry interval, so reconnection tests take tens of milliseconds.</summary>
    public static readonly TimeSpan FastRetry = TimeSpan.FromMilliseconds(30);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    /// <summary>A fresh directory under /tmp for socket files, short enough for the 108-byte Unix path limit.</summary>
    public static string NewSocketRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "nipc-" + Guid.NewGuid().ToString("N")[..8]) + "/";
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>A silent config whose sockets live in a private directory and whose client retries quickly.</summary>
    public static NodeIpcConfig Config(string socketRoot, string id = "world") => new()
    {
        SocketRoot = socketRoot,
        Id = id,
        Silent = true,
        Retry = FastRetry,
    };

    /// <summary>Serves <paramref name="config"/> on its default Unix socket.</summary>
    public static async Task<NodeIpcServer> ServeUnixAsync(NodeIpcConfig config, CancellationToken ct, Action<NodeIpcServer>? setup = null)
    {
        var server = new NodeIpcServer(config);
        setup?.Invoke(server);
        await server.ServeAsync(ct);
        return server;
    }

    /// <summary>A client of service "world" in <paramref name="socketRoot"/>, connected.</summary>
    public static async Task<NodeIpcClient> ConnectUnixAsync(NodeIpcConfig config, CancellationToken ct, Action<NodeIpcClient>? setup = null)
    {
        var client = new NodeIpcClient(config);
        setup?.Invoke(client);
        await client.ConnectToAsync("world", ct);
        return client;
    }

    public static int PortOf(NodeIpcServer server) => ((IPEndPoint)server.EndPoint!).Port;

    /// <summary>
    /// Writes a throwaway CA and a server certificate it signed (SAN localhost, 127.0.0.1, ::1) as
    /// PEM files into <paramref name="directory"/>.
    /// </summary>
    public static TlsFiles CreateTlsFiles(string directory)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=node-ipc test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using X509Certificate2 leaf = leafRequest.Create(ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));

        var files = new TlsFiles(
            Path.Combine(directory, "ca.pem"),
            Path.Combine(directory, "server.pem"),
            Path.Combine(directory, "server.key"));
        File.WriteAllText(files.CaPath, ca.ExportCertificatePem());
        File.WriteAllText(files.CertificatePath, leaf.ExportCertificatePem());
        File.WriteAllText(files.KeyPath, leafKey.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
