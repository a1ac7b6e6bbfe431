using Devp2p.Enode;

namespace Devp2p.Internal;

/// <summary>A static dial target and its redial state; owned by <see cref="DialScheduler"/>.</summary>
internal sealed class StaticNode(EnodeUrl node)
{
    /// <summary>Where to dial; replaced when the node is added again with a new address.</summary>
    public EnodeUrl Node { get; set; } = node;

    /// <summary>Dials that failed in a row since the last successful connection.</summary>
    public int Failures { get; set; }

    /// <summary>When (Environment.TickCount64) the last dial started; 0 before the first.</summary>
    public long LastDialStart { get; set; }

    /// <summary>No dial before this time (Environment.TickCount64).</summary>
    public long NotBefore { get; set; }
}
