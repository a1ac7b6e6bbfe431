using System.Threading.Channels;

namespace Devp2p;

/// <summary>
/// Two connected in-memory <see cref="IMsgReadWriter"/> ends (go-ethereum's <c>p2p.MsgPipe</c>): what
/// one end writes, the other reads. For testing protocol code without a connection.
/// </summary>
/// <remarks>
/// Each direction holds at most one message in flight: a write completes once the message is
/// queued, and a second write waits until the reader has taken the first (go's pipe waits until
/// the payload is consumed; here it waits until it is taken). Payloads are copied into pooled
/// buffers; the reader disposes each <see cref="Msg"/>. After <see cref="MsgPipeEnd.Close"/> on either
/// end, every pending and later call on both ends throws <see cref="MsgPipeClosedException"/>.
/// </remarks>
public static class MsgPipe
{
    /// <summary>Creates a connected pair of ends.</summary>
    /// <returns>The two ends; closing either closes both.</returns>
    public static (MsgPipeEnd First, MsgPipeEnd Second) Create()
    {
        var options = new BoundedChannelOptions(1) { SingleReader = false, SingleWriter = false };
        Channel<Msg> forward = Channel.CreateBounded<Msg>(options);
        Channel<Msg> backward = Channel.CreateBounded<Msg>(options);
        var shared = new MsgPipeEnd.SharedState(forward, backward);
        return (new MsgPipeEnd(forward.Writer, backward.Reader, shared), new MsgPipeEnd(backward.Writer, forward.Reader, shared));
    }
}
