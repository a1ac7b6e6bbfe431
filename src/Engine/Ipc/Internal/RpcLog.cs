using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.Internal;

/// <summary>Log messages of the JSON-RPC layer that are not one-liners at their call site.</summary>
internal static partial class RpcLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing {SubscriptionId} failed.")]
    public static partial void LogUnsubscribeFailed(this ILogger logger, string subscriptionId, Exception exception);
}
