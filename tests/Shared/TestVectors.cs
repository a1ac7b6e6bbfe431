using System.Reflection;
using System.Text.Json;

namespace Devp2p.Tests;

/// <summary>
/// Loads the official test vectors. The repository carries a verbatim copy in tests/vectors
/// (so a plain clone can run the suite); when ../shared/vectors exists beside the checkout,
/// <see cref="VectorCopyTests"/> checks the copy is byte-identical to it.
/// </summary>
internal static class TestVectors
{
    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    /// <summary>The repository root (the folder holding Engine.sln).</summary>
    public static string RepoRoot => s_repoRoot.Value;

    /// <summary>The folder of the in-repository vector copy.</summary>
    public static string Directory => Path.Combine(RepoRoot, "tests", "vectors");

    /// <summary>Parses one vector file; the caller disposes the document.</summary>
    public static JsonDocument Load(string fileName)
    {
        string path = Path.Combine(Directory, fileName);
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    /// <summary>Decodes lowercase or uppercase hex, with or without a 0x prefix.</summary>
    public static byte[] Hex(string hex)
    {
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>Lowercase hex of <paramref name="bytes"/>.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>True when opt-in slow tests (e.g. the 1 GiB Keccak case) should run.</summary>
    public static bool SlowTestsEnabled =>
        Environment.GetEnvironmentVariable("DEVP2P_SLOW_TESTS") is "1" or "true";

    private static string FindRepoRoot()
    {
        // The test project records the repository root at build time, so an out-of-tree
        // artifacts path still finds the vectors; walking up from the binary is the fallback.
        string? recorded = typeof(TestVectors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Engine.sln")))
        {
            return Path.GetFullPath(recorded);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Engine.sln not found above {AppContext.BaseDirectory}; run the tests from a checkout of the repository.");
    }
}
