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

    /// <summary>Runs <c>npm ci</c> in <paramref name="dir"/> (bounded to 5 minutes) unless <paramref name="installedMarker"/> exists.</summary>
    public static void NpmCiIfMissing(string dir, string installedMarker)
    {
        if (Path.Exists(installedMarker))
        {
            return;
        }

        var info = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process npm = Process.Start(info) ?? throw new InvalidOperationException("Could not start npm: install Node.js (>= 18) and npm.");
        Task<string> stdout = npm.StandardOutput.ReadToEndAsync();
        Task<string> stderr = npm.StandardError.ReadToEndAsync();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci in {dir} did not finish within 5 minutes.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {dir} failed (exit {npm.ExitCode}):\n{stdout.Result}{stderr.Result}");
        }
    }

    private static string Install()
    {
        string dir = Path.Combine(TestVectors.RepoRoot, "tests", "Interop", "peer");
        NpmCiIfMissing(dir, Path.Combine(dir, "node_modules", "@ethereumjs", "devp2p"));
        return dir;
    }
}
