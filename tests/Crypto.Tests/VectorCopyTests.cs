using Devp2p.Tests;
using Xunit;

namespace Devp2p.Crypto.Tests;

/// <summary>The in-repository vector copy must stay byte-identical to ../shared/vectors.</summary>
public sealed class VectorCopyTests
{
    [Fact]
    public void InRepositoryCopyMatchesSharedVectors()
    {
        string shared = Path.GetFullPath(Path.Combine(TestVectors.RepoRoot, "..", "shared", "vectors"));
        string[] ours = System.IO.Directory.GetFiles(TestVectors.Directory).Select(Path.GetFileName).ToArray()!;
        Assert.Contains("keccak256.json", ours);
        if (!System.IO.Directory.Exists(shared))
        {
            // A plain clone has no shared folder beside it; the copy is then the only source.
            return;
        }

        foreach (string file in System.IO.Directory.GetFiles(shared))
        {
            string name = Path.GetFileName(file);
            string copy = Path.Combine(TestVectors.Directory, name);
            Assert.True(File.Exists(copy), $"tests/vectors/{name} is missing");
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(copy));
        }
    }
}
