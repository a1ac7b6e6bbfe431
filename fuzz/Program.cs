namespace Devp2p.Fuzz;

/// <summary>Fuzz driver; targets are added as the parsers they exercise land.</summary>
public static class Program
{
    /// <summary>Lists the available targets.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: Devp2p.Fuzz <target> <input-file|corpus-dir>");
        return args.Length == 0 ? 2 : 0;
    }
}
