using Devp2p.Transports;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Pipe settings that fit <see cref="NodeIpcConfig.MaxMessageSize"/>.</summary>
internal static class NodeIpcTransportOptions
{
    /// <summary>
    /// The receive loop leaves an unfinished message unconsumed in the input pipe until its
    /// delimiter arrives. If the pipe's resume threshold were not above the largest allowed
    /// message, a message near the limit would pause the socket loop for good and never complete;
    /// so the thresholds grow with the limit (the defaults stay for the default 1 MiB message).
    /// </summary>
    public static TransportOptions For(NodeIpcConfig config)
    {
        long resume = Math.Max(TransportOptions.DefaultResumeThreshold, (long)config.MaxMessageSize + config.DelimiterBytes().Length + 1);
        long pause = Math.Max(TransportOptions.DefaultPauseThreshold, resume * 2);
        return new TransportOptions
        {
            ReceivePauseThreshold = pause,
            ReceiveResumeThreshold = resume,
        };
    }
}
