namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>node-ipc's mapping of Unix socket paths to Windows named pipes.</summary>
internal static class NodeIpcPaths
{
    private const string PipePrefix = @"\\.\pipe\";

    /// <summary>
    /// The pipe name (without <c>\\.\pipe\</c>) node-ipc uses on Windows for <paramref name="path"/>:
    /// a leading '/' is dropped and every other '/' becomes '-' (<c>/tmp/app.world</c> is
    /// <c>\\.\pipe\tmp-app.world</c>). A path that already is a pipe path is taken as it is, as the
    /// client does.
    /// </summary>
    public static string PipeNameFor(string path)
    {
        if (path.StartsWith(PipePrefix, StringComparison.Ordinal))
        {
            return path[PipePrefix.Length..];
        }

        string name = path.StartsWith('/') ? path[1..] : path;
        return name.Replace('/', '-');
    }
}
