using System.CommandLine;
using Devp2p.Cli.Commands;

namespace Devp2p.Cli;

/// <summary>The <c>devp2p</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the selected command; returns its exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("devp2p: run a devp2p node and work with keys, RLP, RLPx and IPC.")
        {
            NodeCommand.Create(),
            KeyCommand.Create(),
            RlpCommand.Create(),
            RlpxCommand.Create(),
            AttachCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
