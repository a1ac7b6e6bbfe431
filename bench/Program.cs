using BenchmarkDotNet.Running;

namespace Devp2p.Bench;

/// <summary>
/// Entry point for every BenchmarkDotNet suite. Examples:
/// <c>dotnet run -c Release --project bench -- --filter '*Keccak*'</c>,
/// <c>dotnet run -c Release --project bench -- --list flat</c>; and the engine throughput
/// runner, <c>dotnet run -c Release --project bench -- engine [messages]</c>; and the comparison with
/// ethereumjs, <c>dotnet run -c Release --project bench -- vs-ethereumjs run</c> (scripts/bench-vs-ethereumjs); and the IPC runner, <c>ipc</c> (scripts/bench-ipc).
/// </summary>
public static class Program
{
    /// <summary>Runs the suites the command line selects.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "engine")
        {
            return Engine.EngineBenchCommand.RunAsync(args).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "vs-ethereumjs")
        {
            return Engine.VsEthereumJsCommand.RunAsync(args).GetAwaiter().GetResult();
        }

        if (args.Length > 0 && args[0] == "ipc")
        {
            return Ipc.IpcBenchCommand.RunAsync(args).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
