using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Devp2p.Transports;
using Devp2p.Transports.Internal;

namespace Devp2p.Ipc.Admin;

/// <summary>
/// Names of IPC endpoints, shared by the node that serves one and the tools that attach to it: a
/// Unix domain socket path, a Windows named pipe (<c>\\.\pipe\name</c>), or loopback TCP
/// (<c>tcp://127.0.0.1:8546</c>, or just <c>127.0.0.1:8546</c>).
/// </summary>
public static class IpcAddress
{
    /// <summary>The endpoint's name inside the data directory, as geth's <c>geth.ipc</c>.</summary>
    public const string DefaultFileName = "devp2p.ipc";

    /// <summary>The prefix of a Windows named pipe path.</summary>
    public const string PipePrefix = @"\\.\pipe\";

    /// <summary>The scheme accepted in front of a TCP endpoint.</summary>
    public const string TcpScheme = "tcp://";

    /// <summary>
    /// Resolves an IPC path the way geth's <c>node.Config.IPCEndpoint</c> does. On Windows the result is
    /// a named pipe (<paramref name="ipcPath"/> with <see cref="PipePrefix"/> in front unless it is there
    /// already). Elsewhere, a bare file name is placed in <paramref name="dataDir"/> (or the temp directory
    /// when that is null), an explicit path is used as it is, and a <see cref="PipePrefix"/> path names a pipe.
    /// </summary>
    /// <param name="dataDir">The data directory, or null for the temp directory.</param>
    /// <param name="ipcPath">The file name or path; <see cref="DefaultFileName"/> by default.</param>
    /// <returns>A <see cref="UnixDomainSocketEndPoint"/> or a <see cref="NamedPipeEndPoint"/>.</returns>
    /// <exception cref="ArgumentException">
    /// The path is empty, or longer than a Unix socket address allows (the message names the length and the limit).
    /// </exception>
    public static EndPoint ForDataDir(string? dataDir, string ipcPath = DefaultFileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(ipcPath);
        if (ipcPath.StartsWith(PipePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Pipe(ipcPath);
        }

        if (OperatingSystem.IsWindows())
        {
            return new NamedPipeEndPoint(ipcPath);
        }

        string path = Path.GetFileName(ipcPath) == ipcPath
            ? Path.Combine(dataDir ?? Path.GetTempPath(), ipcPath)
            : ipcPath;
        UnixSocketFile.ValidatePath(path);
        return new UnixDomainSocketEndPoint(path);
    }

    /// <summary>Parses an endpoint as <see cref="TryParse"/> does.</summary>
    /// <param name="text">The endpoint text.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="FormatException">The text names no endpoint; the message says why.</exception>
    public static EndPoint Parse(string text) =>
        TryParse(text, out EndPoint? endPoint, out string? error) ? endPoint : throw new FormatException(error);

    /// <summary>
    /// Parses an endpoint: <c>\\.\pipe\name</c> is a named pipe; <c>tcp://host:port</c>, or
    /// <c>host:port</c> where host is an IP address (IPv6 in brackets) or <c>localhost</c>, is TCP;
    /// anything else is a Unix domain socket path. HTTP and WebSocket URLs are refused: the endpoint
    /// speaks the IPC stream protocol (concatenated JSON values), not HTTP.
    /// </summary>
    /// <param name="text">The endpoint text.</param>
    /// <param name="endPoint">The endpoint, or null on failure.</param>
    /// <param name="error">Why the text names no endpoint, or null on success.</param>
    /// <returns>True when parsed.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out EndPoint? endPoint,
        [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the IPC endpoint is empty";
            return false;
        }

        if (text.StartsWith(PipePrefix, StringComparison.OrdinalIgnoreCase))
        {
            if (text.Length == PipePrefix.Length)
            {
                error = $"the named pipe \"{text}\" has no name after {PipePrefix}";
                return false;
            }

            endPoint = Pipe(text);
            error = null;
            return true;
        }

        if (text.StartsWith(TcpScheme, StringComparison.OrdinalIgnoreCase))
        {
            endPoint = ParseTcp(text.AsSpan(TcpScheme.Length));
            error = endPoint is null ? $"\"{text}\" is not a TCP endpoint: write tcp://<ip or localhost>:<port>, as tcp://127.0.0.1:8546" : null;
            return endPoint is not null;
        }

        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !text.AsSpan(0, scheme).ContainsAny('/', '\\'))
        {
            error = $"\"{text}\": the {text[..scheme]} scheme is not supported; an IPC endpoint is a socket path, a named pipe ({PipePrefix}name) or tcp://host:port";
            return false;
        }

        endPoint = ParseTcp(text);
        if (endPoint is not null)
        {
            error = null;
            return true;
        }

        error = UnixSocketFile.PathError(text);
        if (error is not null)
        {
            return false;
        }

        endPoint = new UnixDomainSocketEndPoint(text);
        return true;
    }

    /// <summary>Writes an endpoint as <see cref="Parse"/> reads it.</summary>
    /// <param name="endPoint">A Unix socket, named pipe or IP endpoint.</param>
    /// <returns>The socket path, the pipe path, or <c>tcp://ip:port</c>.</returns>
    public static string Format(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            IPEndPoint ip => TcpScheme + ip.ToString(),
            _ => endPoint.ToString() ?? endPoint.GetType().Name,
        };
    }

    private static NamedPipeEndPoint Pipe(string path) => new(path[PipePrefix.Length..]);

    /// <summary>host:port with an IP literal ([v6] in brackets) or localhost; null when it is not that.</summary>
    private static IPEndPoint? ParseTcp(ReadOnlySpan<char> text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }

        ReadOnlySpan<char> host = text[..colon];
        ReadOnlySpan<char> portText = text[(colon + 1)..];
        if (portText.IsEmpty
            || portText.ContainsAnyExcept("0123456789")
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
        {
            return null;
        }

        IPAddress? address;
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            if (!IPAddress.TryParse(host[1..^1], out address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return null;
            }
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (host.Contains(':') || !IPAddress.TryParse(host, out address) || address.AddressFamily != AddressFamily.InterNetwork || host.Count('.') != 3)
        {
            // Four dotted parts only: IPAddress.TryParse also takes "1" or "1.2" as IPv4, which would
            // turn a file named "1:2" into a TCP address.
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
