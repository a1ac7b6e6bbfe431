using System.Diagnostics;
using Devp2p.Tests;

namespace Devp2p.Interop.Tests;

/// <summary>
/// Makes sure the ethereumjs peer's npm packages are installed (npm ci into tests/Interop/peer,
/// pinned by its package-lock.json) before the first test needs them.
/// </summary>
internal static class InteropSetup
{
    private static readonly Lazy<string> s_peerDir = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string EnsureInstalled() => s_peerDir.Value;

    private static string Install()
    {
        string dir = Path.Combine(TestVectors.RepoRoot, "tests", "Interop", "peer");
        if (Directory.Exists(Path.Combine(dir, "node_modules", "@ethereumjs", "devp2p")))
        {
            return dir;
        }

        var info = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process npm = Process.Start(info) ?? throw new InvalidOperationException("Could not start npm: install Node.js (>= 18) and npm.");
        string output = npm.StandardOutput.ReadToEnd() + npm.StandardError.ReadToEnd();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(5)) || npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {dir} failed:\n{output}");
        }

        return dir;
    }
}
