using Devp2p.Fuzz.Engine;

namespace Devp2p.Fuzz;

/// <summary>
/// The fuzz driver. Commands:
/// <list type="bullet">
/// <item><c>list</c>: the targets.</item>
/// <item><c>run &lt;target|all&gt; [--runs N] [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR]</c>:
/// fuzz; exit code 1 when something was found.</item>
/// <item><c>repro &lt;target&gt; &lt;file&gt;</c>: run one saved input and show what it raises.</item>
/// <item><c>seed &lt;vectors-dir&gt; &lt;corpus-dir&gt;</c>: write the seed corpora from the official vectors.</item>
/// </list>
/// Example: <c>dotnet run -c Release --project fuzz -- run all --seconds 60</c>.
/// </summary>
public static class Program
{
    private const long DefaultRuns = long.MaxValue;
    private const int DefaultSeconds = 30;
    private const int DefaultMaxLength = 1 << 17;

    /// <summary>Entry point; returns 0 when nothing was found, 1 on findings, 2 on usage errors.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        switch (args[0])
        {
            case "list":
                foreach (IFuzzTarget target in FuzzTargets.All)
                {
                    Console.WriteLine($"{target.Name,-22} {target.Description}");
                }

                return 0;
            case "run" when args.Length >= 2:
                return Run(args[1], args[2..]);
            case "repro" when args.Length == 3:
                return Repro(args[1], args[2]);
            case "seed" when args.Length == 3:
                CorpusSeeder.Seed(args[1], args[2]);
                Console.WriteLine($"seed corpora written to {args[2]}");
                return 0;
            default:
                return Usage();
        }
    }

    private static int Run(string name, string[] options)
    {
        string root = FindFuzzRoot();
        long runs = DefaultRuns;
        int seconds = DefaultSeconds;
        int seed = Environment.TickCount;
        string corpus = Path.Combine(root, "corpora");
        string crashes = Path.Combine(root, "crashes");
        for (int i = 0; i + 1 < options.Length; i += 2)
        {
            switch (options[i])
            {
                case "--runs": runs = long.Parse(options[i + 1]); break;
                case "--seconds": seconds = int.Parse(options[i + 1]); break;
                case "--seed": seed = int.Parse(options[i + 1]); break;
                case "--corpus": corpus = options[i + 1]; break;
                case "--crashes": crashes = options[i + 1]; break;
                default: return Usage();
            }
        }

        IReadOnlyList<IFuzzTarget> targets = name == "all"
            ? FuzzTargets.All
            : FuzzTargets.Find(name) is { } one ? [one] : [];
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"unknown target '{name}'; see 'list'");
            return 2;
        }

        int findings = 0;
        foreach (IFuzzTarget target in targets)
        {
            var fuzzOptions = new FuzzOptions(corpus, crashes, runs, TimeSpan.FromSeconds(seconds), seed, DefaultMaxLength);
            findings += new FuzzRunner(target, fuzzOptions, Console.Out).Run(CancellationToken.None);
        }

        return findings == 0 ? 0 : 1;
    }

    private static int Repro(string name, string file)
    {
        if (FuzzTargets.Find(name) is not { } target)
        {
            Console.Error.WriteLine($"unknown target '{name}'; see 'list'");
            return 2;
        }

        try
        {
            target.Run(File.ReadAllBytes(file));
            Console.WriteLine("no exception");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine($"{(target.IsExpected(ex) ? "expected" : "FINDING")}: {ex}");
            return target.IsExpected(ex) ? 0 : 1;
        }
    }

    private static string FindFuzzRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Devp2p.Fuzz.csproj")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Devp2p.Fuzz list | run <target|all> [--runs N] [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR] | repro <target> <file> | seed <vectors-dir> <corpus-dir>");
        return 2;
    }
}
