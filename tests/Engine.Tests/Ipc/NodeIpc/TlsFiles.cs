namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>PEM files of a test CA and a server certificate it signed.</summary>
internal sealed record TlsFiles(string CaPath, string CertificatePath, string KeyPath);
