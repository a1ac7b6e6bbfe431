namespace Devp2p.Engine.Tests.Ipc.NodeIpc;

/// <summary>A private directory under /tmp for a test's socket files and certificates; deleted on dispose.</summary>
internal sealed class SocketDirectory : IDisposable
{
    public string Root { get; } = NodeIpcTestKit.NewSocketRoot();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A socket still being closed; the OS cleans /tmp.
        }
    }
}
