using Devp2p.Fuzz.Targets;

namespace Devp2p.Fuzz;

/// <summary>The registry of fuzz targets.</summary>
public static class FuzzTargets
{
    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new RlpTarget(),
        new SnappyDecompressTarget(),
        new SnappyRoundTripTarget(),
        new AuthBodyTarget(),
        new AckBodyTarget(),
        new FrameOpenTarget(),
        new FrameRoundTripTarget(),
    ];

    /// <summary>Finds a target by its name.</summary>
    public static IFuzzTarget? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}
