using System.IO.Pipelines;
using Devp2p.Transports.Internal;

namespace Devp2p.Transports;

/// <summary>
/// Connected pairs of in-process connections: what one side writes the other reads, with the same
/// close and abort semantics as the socket transport and no socket in between. For tests,
/// benchmarks and in-process peers.
/// </summary>
public static class InMemoryTransport
{
    /// <summary>Creates two connected connections.</summary>
    /// <param name="options">Pipe thresholds and memory pool; <see cref="TransportOptions.Default"/> when null.</param>
    /// <returns>Both ends; the caller owns and disposes each of them.</returns>
    public static (TransportConnection First, TransportConnection Second) CreatePair(TransportOptions? options = null)
    {
        options ??= TransportOptions.Default;

        // Each direction is one pipe; its pause threshold is the in-flight limit of that direction.
        var firstToSecond = new Pipe(CreatePipeOptions(options));
        var secondToFirst = new Pipe(CreatePipeOptions(options));
        var firstEnd = new InMemoryEndPoint("in-memory:first");
        var secondEnd = new InMemoryEndPoint("in-memory:second");
        var first = new InMemoryConnection(secondToFirst.Reader, firstToSecond.Writer, firstEnd, secondEnd);
        var second = new InMemoryConnection(firstToSecond.Reader, secondToFirst.Writer, secondEnd, firstEnd);
        return (first, second);
    }

    private static PipeOptions CreatePipeOptions(TransportOptions options) => new(
        options.MemoryPool,
        minimumSegmentSize: Math.Min(options.MinimumSegmentSize, options.MemoryPool.MaxBufferSize),
        pauseWriterThreshold: options.SendPauseThreshold,
        resumeWriterThreshold: options.SendResumeThreshold,
        useSynchronizationContext: false);
}
