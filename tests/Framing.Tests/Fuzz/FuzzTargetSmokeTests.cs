using Devp2p.Fuzz;
using Devp2p.Fuzz.Engine;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Framing.Tests.Fuzz;

/// <summary>
/// Every fuzz target runs its committed seed corpus and a bounded number of mutations with a fixed
/// seed inside the suite: a target that no longer compiles or a parser that regresses into a
/// non-layer exception fails CI, not only a later fuzzing session.
/// </summary>
public sealed class FuzzTargetSmokeTests
{
    private const int MutationsPerTarget = 3000;
    private const int Seed = 20261122;

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (IFuzzTarget target in FuzzTargets.All)
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void TargetSurvivesCorpusAndMutations(string name)
    {
        IFuzzTarget target = FuzzTargets.Find(name)!;
        string corpusRoot = Path.Combine(TestVectors.RepoRoot, "fuzz", "corpora");
        string corpusFolder = Path.Combine(corpusRoot, name);
        Assert.True(Directory.Exists(corpusFolder), $"fuzz/corpora/{name} is missing; run 'Devp2p.Fuzz seed tests/vectors fuzz/corpora'");
        string crashes = Path.Combine(Path.GetTempPath(), "devp2p-fuzz-smoke");
        var log = new StringWriter();
        var options = new FuzzOptions(corpusRoot, crashes, Directory.GetFiles(corpusFolder).Length + MutationsPerTarget,
            TimeSpan.FromSeconds(30), Seed, 1 << 16);

        int findings = new FuzzRunner(target, options, log).Run(CancellationToken.None);

        Assert.True(findings == 0, log.ToString());
        Assert.Contains("findings 0", log.ToString());
    }
}
