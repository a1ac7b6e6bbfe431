using System.IO.Pipelines;

namespace Devp2p.Transports.Internal;

/// <summary>A reader and a writer handed out together as one <see cref="IDuplexPipe"/>.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
