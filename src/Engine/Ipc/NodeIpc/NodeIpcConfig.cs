using System.Net;
using System.Text;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// Settings of a <see cref="NodeIpcServer"/> or <see cref="NodeIpcClient"/>, with node-ipc 9.2.1's
/// defaults (its <c>ipc.config</c>) under the same names in C# casing. Mutable like node-ipc's
/// object; the retry settings (<see cref="Retry"/>, <see cref="MaxRetries"/>,
/// <see cref="StopRetrying"/>) are read live by a running client, the rest when a server starts
/// serving or a client connects.
/// </summary>
/// <remarks>
/// Deliberate differences from node-ipc: <c>logger</c>, <c>logInColor</c> and <c>logDepth</c> are
/// replaced by an <c>ILogger</c>; <c>dhparam</c> has no .NET equivalent; <see cref="MaxMessageSize"/>
/// is ours (node-ipc buffers without limit); a TCP or UDP port of 0 picks a free port (node-ipc
/// turns 0 into 8000).
/// </remarks>
public sealed class NodeIpcConfig
{
    /// <summary>node-ipc's default <c>retry</c>: 500 ms between reconnection attempts.</summary>
    public static readonly TimeSpan DefaultRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>Our default <see cref="MaxMessageSize"/>: 1 MiB, so one peer cannot make us buffer without bound.</summary>
    public const int DefaultMaxMessageSize = 1024 * 1024;

    /// <summary>node-ipc's default <c>networkPort</c>.</summary>
    public const int DefaultNetworkPort = 8000;

    /// <summary>node-ipc's default <c>maxConnections</c>.</summary>
    public const int DefaultMaxConnections = 100;

    private static readonly string[] s_encodings =
    [
        "utf8", "utf-8", "ascii", "latin1", "binary", "hex", "base64", "base64url", "ucs2", "ucs-2", "utf16le", "utf-16le",
    ];

    /// <summary>Namespace of Unix socket paths (<c>appspace</c>, default <c>"app."</c>).</summary>
    public string AppSpace { get; set; } = "app.";

    /// <summary>Directory of Unix socket paths (<c>socketRoot</c>, default <c>"/tmp/"</c>).</summary>
    public string SocketRoot { get; set; } = "/tmp/";

    /// <summary>
    /// This service's id (<c>id</c>); the default is the host name, as node-ipc's <c>os.hostname()</c>.
    /// A server's default Unix socket path is <see cref="SocketRoot"/> + <see cref="AppSpace"/> + <see cref="Id"/>.
    /// </summary>
    public string Id { get; set; } = Dns.GetHostName();

    /// <summary>
    /// Host of TCP, TLS and UDP servers and clients (<c>networkHost</c>). The default is
    /// <c>"127.0.0.1"</c>, what node-ipc 9.2.1 really uses (its README says <c>localhost</c>).
    /// </summary>
    public string NetworkHost { get; set; } = "127.0.0.1";

    /// <summary>Port of TCP, TLS and UDP servers and clients (<c>networkPort</c>, default 8000); 0 picks a free port.</summary>
    public int NetworkPort { get; set; } = DefaultNetworkPort;

    /// <summary>
    /// Encoding of raw-buffer strings (<c>encoding</c>, default <c>"utf8"</c>): utf8, ascii, latin1,
    /// binary, hex, base64, base64url, ucs2 or utf16le. JSON messages are always UTF-8, as node-ipc
    /// writes them.
    /// </summary>
    public string Encoding { get; set; } = "utf8";

    /// <summary>
    /// Raw-buffer mode (<c>rawBuffer</c>, default false): bytes are sent and received as they are,
    /// with no JSON and no delimiter; received reads go to the data handlers.
    /// </summary>
    public bool RawBuffer { get; set; }

    /// <summary>
    /// Client only (<c>sync</c>, default false): an emit is written only after the previous one was
    /// answered by at least one received read.
    /// </summary>
    public bool Sync { get; set; }

    /// <summary>Ends every JSON message (<c>delimiter</c>, default form feed <c>"\f"</c>).</summary>
    public string Delimiter { get; set; } = "\f";

    /// <summary>Turns logging off (<c>silent</c>, default false).</summary>
    public bool Silent { get; set; }

    /// <summary>Connections a server accepts at once (<c>maxConnections</c>, default 100); more are closed at once.</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>Wait between a client's reconnection attempts (<c>retry</c>, default 500 ms).</summary>
    public TimeSpan Retry { get; set; } = DefaultRetry;

    /// <summary>
    /// Reconnection attempts after each disconnect before a client gives up and is destroyed
    /// (<c>maxRetries</c>); <see langword="null"/> (the default, node-ipc's <c>Infinity</c>) retries
    /// forever, 0 never retries. The budget is reset by every successful connect.
    /// </summary>
    public int? MaxRetries { get; set; }

    /// <summary>When set, a client does not reconnect after the next close (<c>stopRetrying</c>, default false).</summary>
    public bool StopRetrying { get; set; }

    /// <summary>
    /// Removes a stale socket file before a Unix socket server binds (<c>unlink</c>, default true).
    /// Unlike node-ipc, a socket on which another process still listens is never taken over, and a
    /// file that is not a socket is never deleted. When false, an existing file makes serving fail.
    /// </summary>
    public bool Unlink { get; set; } = true;

    /// <summary>Lets every user read the server's Unix socket file (<c>readableAll</c>, default false: owner only).</summary>
    public bool ReadableAll { get; set; }

    /// <summary>Lets every user write (and so connect to) the server's Unix socket file (<c>writableAll</c>, default false).</summary>
    public bool WritableAll { get; set; }

    /// <summary>Local address, port and family of client TCP and TLS connections (<c>interface</c>).</summary>
    public NodeIpcInterfaceConfig Interface { get; set; } = new();

    /// <summary>TLS settings (<c>tls</c>); when set, TCP servers and clients speak TLS. Default <see langword="null"/>.</summary>
    public NodeIpcTlsConfig? Tls { get; set; }

    /// <summary>
    /// Our addition: the largest JSON message (without its delimiter) or UDP datagram accepted, in
    /// bytes (default 1 MiB). A peer that exceeds it gets an error event and its connection closed;
    /// other connections are unaffected.
    /// </summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The Unix socket path of service <paramref name="id"/>: <see cref="SocketRoot"/> + <see cref="AppSpace"/> + <paramref name="id"/>.</summary>
    /// <param name="id">The service id.</param>
    /// <returns>The socket path, as node-ipc builds it.</returns>
    public string SocketPathFor(string id) => SocketRoot + AppSpace + id;

    /// <summary>Checks every setting and throws one clear error for the first that is wrong.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or not understood; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Delimiter))
        {
            throw new ArgumentException("NodeIpcConfig.Delimiter must not be empty: it ends every JSON message.", nameof(Delimiter));
        }

        if (MaxMessageSize < 1)
        {
            throw new ArgumentException($"NodeIpcConfig.MaxMessageSize must be at least 1 byte, not {MaxMessageSize}.", nameof(MaxMessageSize));
        }

        if (MaxConnections < 1)
        {
            throw new ArgumentException($"NodeIpcConfig.MaxConnections must be at least 1, not {MaxConnections}.", nameof(MaxConnections));
        }

        if (Retry < TimeSpan.Zero)
        {
            throw new ArgumentException($"NodeIpcConfig.Retry must not be negative, not {Retry}.", nameof(Retry));
        }

        if (MaxRetries is < 0)
        {
            throw new ArgumentException($"NodeIpcConfig.MaxRetries must be null (forever) or at least 0, not {MaxRetries}.", nameof(MaxRetries));
        }

        if (NetworkPort is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"NodeIpcConfig.NetworkPort must be 0..65535, not {NetworkPort}.", nameof(NetworkPort));
        }

        if (Array.IndexOf(s_encodings, Encoding.ToLowerInvariant()) < 0)
        {
            throw new ArgumentException(
                $"NodeIpcConfig.Encoding '{Encoding}' is not one of {string.Join(", ", s_encodings)}.", nameof(Encoding));
        }

        Interface.Validate();
    }

    /// <summary>The delimiter's UTF-8 bytes, as node-ipc writes it.</summary>
    internal byte[] DelimiterBytes() => System.Text.Encoding.UTF8.GetBytes(Delimiter);
}
