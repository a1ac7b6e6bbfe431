using System.CommandLine;
using Devp2p.Crypto;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p node</c>: runs a node on embedded defaults. The engine's Server lands with a later
/// issue; until then the command runs the crypto self-test, so the README command stays the same.
/// </summary>
internal static class NodeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("node", "Run a devp2p node on embedded defaults (currently: the crypto self-test).");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        bool passed = true;
        foreach (CryptoSelfTest.Result result in CryptoSelfTest.Run())
        {
            Console.WriteLine($"{(result.Passed ? "ok  " : "FAIL")} {result.Name,-12} {result.Detail}");
            passed &= result.Passed;
        }

        Console.WriteLine(passed
            ? "crypto self-test passed; the node engine (Server, peers) is not built yet, so the command stops here."
            : "crypto self-test FAILED: see the lines above.");
        return passed ? 0 : 1;
    }
}
