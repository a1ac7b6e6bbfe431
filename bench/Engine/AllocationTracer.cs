using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Devp2p.Bench.Engine;

/// <summary>Samples the runtime's GC AllocationTick events (one per ~100 KB allocated) by type, to find what allocates.</summary>
internal sealed class AllocationTracer : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    public ConcurrentDictionary<string, long> ByType { get; } = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName == "GCAllocationTick_V4" || e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
        {
            int index = e.PayloadNames!.IndexOf("TypeName");
            string type = index >= 0 ? e.Payload![index]?.ToString() ?? "?" : "?";
            int sizeIndex = e.PayloadNames!.IndexOf("ObjectSize");
            if (sizeIndex >= 0)
            {
                type += " (" + e.Payload![sizeIndex] + " B)";
            }

            ByType.AddOrUpdate(type, 1, static (_, n) => n + 1);
        }
    }
}
