namespace Devp2p.Fuzz;

/// <summary>
/// One parser under fuzz. <see cref="Run"/> feeds it an input; any exception that
/// <see cref="IsExpected"/> does not accept is a finding (the process-level contract of DESIGN.md:
/// bad bytes give the layer's own exception and nothing else).
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name used on the command line and for the corpus folder.</summary>
    string Name { get; }

    /// <summary>What the target exercises, for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the parser on <paramref name="input"/>; throws only on malformed input or a finding.</summary>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>True for the layer's own exception type, which malformed input may legitimately raise.</summary>
    bool IsExpected(Exception exception);
}
