using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Devp2p;

/// <content>Checks at start, with messages that name the field.</content>
public sealed partial record ServerConfig
{
    /// <summary>Checks every field and parses <see cref="ListenAddr"/>.</summary>
    /// <returns>The TCP endpoint to listen on, or null for none.</returns>
    /// <exception cref="ArgumentException">A field is missing or out of range; the message names it.</exception>
    internal IPEndPoint? Validate()
    {
        if (PrivateKey is null)
        {
            throw Invalid(nameof(PrivateKey), "ServerConfig.PrivateKey is required: the node key that identifies this node (for example PrivateKey.Generate(), or one loaded from a nodekey file).");
        }

        if (MaxPeers <= 0)
        {
            throw Invalid(nameof(MaxPeers), $"ServerConfig.MaxPeers must be > 0 (was {MaxPeers}).");
        }

        if (MaxPendingPeers <= 0)
        {
            throw Invalid(nameof(MaxPendingPeers), $"ServerConfig.MaxPendingPeers must be > 0 (was {MaxPendingPeers}).");
        }

        if (DialRatio <= 0)
        {
            throw Invalid(nameof(DialRatio), $"ServerConfig.DialRatio must be > 0 (was {DialRatio}).");
        }

        if (Name is null)
        {
            throw Invalid(nameof(Name), "ServerConfig.Name must not be null.");
        }

        CheckList(BootstrapNodes, nameof(BootstrapNodes));
        CheckList(StaticNodes, nameof(StaticNodes));
        CheckList(TrustedNodes, nameof(TrustedNodes));
        if (Protocols is null)
        {
            throw Invalid(nameof(Protocols), "ServerConfig.Protocols must not be null (use an empty list).");
        }

        var names = new HashSet<(string, uint)>();
        foreach (Protocol protocol in Protocols)
        {
            if (protocol is null)
            {
                throw Invalid(nameof(Protocols), "ServerConfig.Protocols contains null.");
            }

            try
            {
                protocol.Validate();
            }
            catch (ArgumentException ex)
            {
                throw Invalid(nameof(Protocols), $"ServerConfig.Protocols: {ex.Message}");
            }

            if (!names.Add((protocol.Name, protocol.Version)))
            {
                throw Invalid(nameof(Protocols), $"ServerConfig.Protocols lists {protocol} twice.");
            }
        }

        CheckPositive(HandshakeTimeout, nameof(HandshakeTimeout));
        CheckPositive(DialTimeout, nameof(DialTimeout));
        CheckPositive(FrameReadTimeout, nameof(FrameReadTimeout));
        CheckPositive(FrameWriteTimeout, nameof(FrameWriteTimeout));
        CheckPositive(PingInterval, nameof(PingInterval));
        CheckPositive(RedialInterval, nameof(RedialInterval));
        CheckPositive(InboundThrottleTime, nameof(InboundThrottleTime));
        if (DisconnectLinger < TimeSpan.Zero)
        {
            throw Invalid(nameof(DisconnectLinger), $"ServerConfig.DisconnectLinger must not be negative (was {DisconnectLinger}).");
        }

        if (MaxRedialInterval < RedialInterval)
        {
            throw Invalid(nameof(MaxRedialInterval), $"ServerConfig.MaxRedialInterval ({MaxRedialInterval}) must not be below RedialInterval ({RedialInterval}).");
        }

        if (ExternalAddress is { } external
            && (external.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                || (external.AddressFamily == AddressFamily.InterNetworkV6 && external.ScopeId != 0)))
        {
            throw Invalid(nameof(ExternalAddress), $"ServerConfig.ExternalAddress must be an IPv4 or IPv6 address without a scope (was {external}).");
        }

        if (UnixSocketPath is { Length: 0 })
        {
            throw Invalid(nameof(UnixSocketPath), "ServerConfig.UnixSocketPath must be null or a path, not empty.");
        }

        return string.IsNullOrEmpty(ListenAddr) ? null : ParseListenAddr(ListenAddr);
    }

    /// <summary>Parses "ip:port", "[ipv6]:port" or ":port" (every interface, dual-stack).</summary>
    private static IPEndPoint ParseListenAddr(string text)
    {
        if (text.StartsWith(':') && ushort.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out ushort anyPort))
        {
            return new IPEndPoint(IPAddress.IPv6Any, anyPort);
        }

        // IPEndPoint.TryParse accepts a bare address (port 0) too; geth requires the port, and so do we.
        bool hasPort = text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(static c => c == ':') == 1;
        if (!hasPort || !IPEndPoint.TryParse(text, out IPEndPoint? endPoint))
        {
            throw Invalid(nameof(ListenAddr), $"ServerConfig.ListenAddr \"{text}\" is not an IP endpoint such as \"0.0.0.0:30303\", \"[::1]:30303\" or \":30303\".");
        }

        return endPoint;
    }

    private static void CheckList<T>(IReadOnlyList<T>? list, string name)
        where T : class
    {
        if (list is null)
        {
            throw Invalid(name, $"ServerConfig.{name} must not be null (use an empty list).");
        }

        foreach (T item in list)
        {
            if (item is null)
            {
                throw Invalid(name, $"ServerConfig.{name} contains null.");
            }
        }
    }

    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw Invalid(name, $"ServerConfig.{name} must be positive (was {value}).");
        }
    }

    private static ArgumentException Invalid(string field, string message) => new(message, field);
}
