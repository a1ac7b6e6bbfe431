using BenchmarkDotNet.Running;

namespace Devp2p.Bench;

/// <summary>
/// Entry point for every BenchmarkDotNet suite. Examples:
/// <c>dotnet run -c Release --project bench -- --filter '*Keccak*'</c>,
/// <c>dotnet run -c Release --project bench -- --list flat</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the suites the command line selects.</summary>
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
