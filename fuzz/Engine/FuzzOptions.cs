namespace Devp2p.Fuzz.Engine;

/// <summary>Settings of one fuzz run.</summary>
/// <param name="CorpusRoot">Folder holding one sub-folder of seed inputs per target.</param>
/// <param name="CrashRoot">Folder findings are written to.</param>
/// <param name="Runs">Upper bound on inputs run, corpus included.</param>
/// <param name="Duration">Upper bound on wall-clock time.</param>
/// <param name="Seed">Random seed; the same seed and corpus replay the same inputs.</param>
/// <param name="MaxLength">Mutated inputs are cut to this many bytes.</param>
internal sealed record FuzzOptions(string CorpusRoot, string CrashRoot, long Runs, TimeSpan Duration, int Seed, int MaxLength);
