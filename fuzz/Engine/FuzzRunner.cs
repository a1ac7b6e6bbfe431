using System.Diagnostics;
using System.Security.Cryptography;

namespace Devp2p.Fuzz.Engine;

/// <summary>
/// Runs one target: every corpus entry once, then mutated corpus entries until the run count or
/// the time budget is reached. A finding (an exception the target does not expect, or an input
/// that runs longer than <see cref="HangLimit"/>) is saved to the crash folder and counted.
/// This is a mutational fuzzer without coverage feedback (SharpFuzz, which would instrument .NET
/// for libFuzzer/AFL++, is not available here); the corpora start from the official vectors so the
/// mutations begin deep inside valid structure.
/// </summary>
internal sealed class FuzzRunner(IFuzzTarget target, FuzzOptions options, TextWriter log)
{
    /// <summary>An input running longer than this is reported as a hang.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(5);

    private long _inputStartTicks;
    private byte[] _currentInput = [];

    /// <summary>Runs the target; returns the number of findings.</summary>
    public int Run(CancellationToken cancellationToken)
    {
        List<byte[]> corpus = LoadCorpus();
        var random = new Random(options.Seed);
        var mutator = new Mutator(random, options.MaxLength);
        using var watchdog = new Timer(CheckHang, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        int findings = 0;
        long runs = 0;
        var clock = Stopwatch.StartNew();
        foreach (byte[] seed in corpus)
        {
            findings += RunOne(seed);
            runs++;
        }

        while (runs < options.Runs && clock.Elapsed < options.Duration && !cancellationToken.IsCancellationRequested)
        {
            byte[] parent = corpus.Count > 0 ? corpus[random.Next(corpus.Count)] : [];
            findings += RunOne(mutator.Mutate(parent, corpus));
            runs++;
        }

        log.WriteLine($"{target.Name}: {runs} runs in {clock.Elapsed.TotalSeconds:F1} s " +
                      $"({runs / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F0}/s), corpus {corpus.Count}, findings {findings}, seed {options.Seed}");
        return findings;
    }

    /// <summary>Runs one input and reports whether it was a finding (1) or not (0).</summary>
    public int RunOne(byte[] input)
    {
        _currentInput = input;
        Volatile.Write(ref _inputStartTicks, Stopwatch.GetTimestamp());
        try
        {
            target.Run(input);
            return 0;
        }
        catch (Exception ex) when (target.IsExpected(ex))
        {
            return 0;
        }
        catch (Exception ex)
        {
            string path = SaveFinding(input);
            log.WriteLine($"{target.Name}: FINDING {ex.GetType().Name}: {ex.Message} (input saved to {path})");
            log.WriteLine(ex.StackTrace);
            return 1;
        }
        finally
        {
            Volatile.Write(ref _inputStartTicks, 0);
        }
    }

    private void CheckHang(object? state)
    {
        long start = Volatile.Read(ref _inputStartTicks);
        if (start != 0 && Stopwatch.GetElapsedTime(start) > HangLimit)
        {
            string path = SaveFinding(_currentInput);
            log.WriteLine($"{target.Name}: FINDING hang over {HangLimit.TotalSeconds} s (input saved to {path})");
            log.Flush();
            Environment.Exit(3);
        }
    }

    private List<byte[]> LoadCorpus()
    {
        string folder = Path.Combine(options.CorpusRoot, target.Name);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
    }

    private string SaveFinding(byte[] input)
    {
        Directory.CreateDirectory(options.CrashRoot);
        string name = $"{target.Name}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin";
        string path = Path.Combine(options.CrashRoot, name);
        File.WriteAllBytes(path, input);
        return path;
    }
}
