using Devp2p.Tests;

namespace Devp2p.Interop.Tests.NodeIpc;

/// <summary>
/// Makes sure tests/Interop/nodeipc has its npm packages (node-ipc pinned at exactly 9.2.1 by its
/// package-lock.json) before the first test needs them: runs <c>npm ci</c> there once per test
/// run when node_modules/node-ipc is missing, and refuses any other installed node-ipc version.
/// </summary>
internal static class NodeIpcSetup
{
    /// <summary>The only node-ipc version these tests accept (later releases were sabotaged upstream).</summary>
    public const string PinnedVersion = "9.2.1";

    private static readonly Lazy<string> s_dir = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding server.js, client.js and node_modules, installed on first use.</summary>
    public static string EnsureInstalled() => s_dir.Value;

    private static string Install()
    {
        string dir = Path.Combine(TestVectors.RepoRoot, "tests", "Interop", "nodeipc");
        string packageJson = Path.Combine(dir, "node_modules", "node-ipc", "package.json");
        InteropSetup.NpmCiIfMissing(dir, packageJson);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(packageJson));
        string? version = doc.RootElement.GetProperty("version").GetString();
        if (version != PinnedVersion)
        {
            throw new InvalidOperationException(
                $"{packageJson} is node-ipc {version}, but only {PinnedVersion} may be used: delete {Path.Combine(dir, "node_modules")} and run npm ci there.");
        }

        return dir;
    }
}
