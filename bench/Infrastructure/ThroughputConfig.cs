using BenchmarkDotNet.Configs;

namespace Devp2p.Bench.Infrastructure;

/// <summary>Adds <see cref="ThroughputColumn"/> to a benchmark class: <c>[Config(typeof(ThroughputConfig))]</c>.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ThroughputConfig() => AddColumn(new ThroughputColumn());
}
