using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Devp2p.Crypto;

namespace Devp2p.Enode;

/// <summary>
/// A node named by an enode URL, <c>enode://&lt;128 hex digits&gt;@host:tcpport?discport=udpport</c>,
/// parsed and formatted as go-ethereum's <c>p2p/enode/urlv4.go</c> does. The 128 hex digits are the
/// node's public key x || y; the host is an IP literal (IPv6 in brackets) or a DNS name, which is kept
/// as given and not resolved (resolving is the dialer's job, at dial time). <c>discport</c> is the
/// UDP discovery port and is present only when it differs from the TCP port. A URL with only the
/// key, <c>enode://&lt;hex&gt;</c>, names a node whose address is not known.
/// </summary>
/// <remarks>
/// Immutable and safe to share between threads. <see cref="Parse"/> also recognises <c>enr:</c> node
/// records, but only to refuse them clearly: ENR is not supported yet.
/// </remarks>
public sealed class EnodeUrl : IEquatable<EnodeUrl>
{
    /// <summary>The URL scheme with its separator.</summary>
    public const string Scheme = "enode://";

    /// <summary>The query parameter that carries a UDP port different from the TCP port.</summary>
    public const string DiscoveryPortParameter = "discport";

    private readonly IPAddress? _ip;
    private string? _text;

    /// <summary>A node whose address is not known: only its key (formats as <c>enode://&lt;hex&gt;</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is <c>default(PublicKey)</c>.</exception>
    public EnodeUrl(PublicKey publicKey)
        : this(publicKey, ip: null, hostname: null, tcpPort: 0, udpPort: 0)
    {
    }

    /// <summary>
    /// A node at an IP address. An IPv4-mapped IPv6 address is stored as IPv4, as go-ethereum stores
    /// it; the address is copied, so later changes to <paramref name="ip"/> do not show here.
    /// </summary>
    /// <param name="publicKey">The node's key.</param>
    /// <param name="ip">Its IPv4 or IPv6 address (no IPv6 scope).</param>
    /// <param name="tcpPort">The RLPx listening port, 0 to 65535 (0: does not accept connections).</param>
    /// <param name="udpPort">The discovery port, 0 to 65535; pass <paramref name="tcpPort"/> when they are the same.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ip"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="publicKey"/> is <c>default(PublicKey)</c>, or <paramref name="ip"/> is not IPv4/IPv6 or has a scope.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A port is outside 0 to 65535.</exception>
    public EnodeUrl(PublicKey publicKey, IPAddress ip, int tcpPort, int udpPort)
        : this(publicKey, EnodeHost.Normalize(ip ?? throw new ArgumentNullException(nameof(ip)), nameof(ip)), hostname: null, tcpPort, udpPort)
    {
    }

    private EnodeUrl(PublicKey publicKey, IPAddress? ip, string? hostname, int tcpPort, int udpPort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tcpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tcpPort, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfNegative(udpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(udpPort, IPEndPoint.MaxPort);

        // Throws for default(PublicKey), which has no ID.
        Id = NodeId.FromPublicKey(publicKey);
        PublicKey = publicKey;
        _ip = ip;
        Hostname = hostname;
        TcpPort = tcpPort;
        UdpPort = udpPort;
    }

    /// <summary>The node's secp256k1 public key (the 128 hex digits of the URL).</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The node's v4 ID, Keccak-256 of <see cref="PublicKey"/>.</summary>
    public NodeId Id { get; }

    /// <summary>
    /// The IP address, or null when the URL gives a DNS name or no address. Each read returns a fresh
    /// copy, because <see cref="IPAddress"/> is mutable.
    /// </summary>
    public IPAddress? Ip => _ip is null ? null : new IPAddress(_ip.GetAddressBytes());

    /// <summary>The DNS name exactly as given (not resolved), or null when the URL gives an IP or no address.</summary>
    public string? Hostname { get; }

    /// <summary>The RLPx (TCP) listening port; 0 when the node has no address.</summary>
    public int TcpPort { get; }

    /// <summary>The discovery (UDP) port: <c>discport</c> when given, otherwise <see cref="TcpPort"/>; 0 when the node has no address.</summary>
    public int UdpPort { get; }

    /// <summary>True when the URL gives an IP address or a DNS name (go-ethereum calls the rest "incomplete").</summary>
    public bool HasAddress => _ip is not null || Hostname is not null;

    /// <summary>The TCP endpoint to dial, or null when the node has no IP (no address, or a DNS name still to resolve).</summary>
    public IPEndPoint? TcpEndPoint => _ip is null ? null : new IPEndPoint(_ip, TcpPort);

    /// <summary>The UDP discovery endpoint, or null when the node has no IP.</summary>
    public IPEndPoint? UdpEndPoint => _ip is null ? null : new IPEndPoint(_ip, UdpPort);

    /// <summary>The host text as it appears in the URL (IPv6 without brackets), or null without an address.</summary>
    private string? HostText => Hostname ?? (_ip is null ? null : EnodeHost.Format(_ip));

    /// <summary>
    /// A node at a DNS name, kept as given; the dialer resolves it when it connects.
    /// </summary>
    /// <param name="publicKey">The node's key.</param>
    /// <param name="hostname">A DNS name: letters, digits, '-', '_' and dots, at most 253 characters. IP literals go to the constructor instead.</param>
    /// <param name="tcpPort">The RLPx listening port, 0 to 65535.</param>
    /// <param name="udpPort">The discovery port, 0 to 65535; pass <paramref name="tcpPort"/> when they are the same.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hostname"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="publicKey"/> is <c>default(PublicKey)</c>, or <paramref name="hostname"/> is not a DNS name (an IP literal included).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A port is outside 0 to 65535.</exception>
    public static EnodeUrl FromHostname(PublicKey publicKey, string hostname, int tcpPort, int udpPort)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        if (EnodeHost.LooksLikeIPv4(hostname) || EnodeHost.TryParseIPv6(hostname, out _))
        {
            throw new ArgumentException(
                $"\"{hostname}\" is an IP literal, not a DNS name; use the constructor that takes an IPAddress.", nameof(hostname));
        }

        string? error = EnodeHost.DescribeHostnameError(hostname);
        if (error is not null)
        {
            throw new ArgumentException($"Invalid hostname \"{hostname}\": {error}.", nameof(hostname));
        }

        return new EnodeUrl(publicKey, ip: null, hostname, tcpPort, udpPort);
    }

    /// <summary>
    /// Parses an enode URL: <c>enode://&lt;128 hex digits&gt;</c> alone, or followed by
    /// <c>@host:port</c> and optionally <c>?discport=port</c>. The host is IPv4 dotted decimal,
    /// IPv6 in brackets, or a DNS name. Other query parameters are ignored, as go-ethereum ignores them.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">
    /// The text is not a valid enode URL, or is an <c>enr:</c> record (not supported yet). The message
    /// names the part that is wrong and contains go-ethereum's wording for the same error.
    /// </exception>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed (it checks the key).</exception>
    public static EnodeUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? error = EnodeUrlParser.TryParse(text, out EnodeUrl? url);
        return url ?? throw new FormatException(error);
    }

    /// <summary>Parses like <see cref="Parse"/> but reports failure through the return value and <paramref name="error"/>.</summary>
    /// <param name="text">The URL; null fails.</param>
    /// <param name="url">The node on success, otherwise null.</param>
    /// <param name="error">Why parsing failed (the text <see cref="Parse"/> would throw), or null on success.</param>
    /// <returns>True when <paramref name="text"/> is a valid enode URL.</returns>
    /// <exception cref="NativeLibraryMissingException">libsecp256k1 is not installed (it checks the key).</exception>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out EnodeUrl? url,
        [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            url = null;
            error = "The node URL is null.";
            return false;
        }

        error = EnodeUrlParser.TryParse(text, out url);
        return url is not null;
    }

    /// <summary>
    /// Formats as go-ethereum's <c>Node.URLv4</c>: <c>enode://&lt;hex&gt;@host:tcp</c> with IPv6 in brackets
    /// and <c>?discport=udp</c> only when the ports differ, or <c>enode://&lt;hex&gt;</c> alone without an address.
    /// </summary>
    public override string ToString() => _text ??= Format();

    /// <summary>True when both name the same key, address (or hostname, compared case-insensitively) and ports.</summary>
    public bool Equals([NotNullWhen(true)] EnodeUrl? other) =>
        other is not null
        && PublicKey == other.PublicKey
        && TcpPort == other.TcpPort
        && UdpPort == other.UdpPort
        && Equals(_ip, other._ip)
        && string.Equals(Hostname, other.Hostname, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is EnodeUrl other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(
        Id,
        TcpPort,
        UdpPort,
        _ip,
        Hostname is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Hostname));

    /// <summary>True when both are null or <see cref="Equals(EnodeUrl?)"/>.</summary>
    public static bool operator ==(EnodeUrl? left, EnodeUrl? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of ==.</summary>
    public static bool operator !=(EnodeUrl? left, EnodeUrl? right) => !(left == right);

    /// <summary>Builds a parsed node; the parser has already checked the host.</summary>
    internal static EnodeUrl FromParts(PublicKey publicKey, IPAddress? ip, string? hostname, int tcpPort, int udpPort) =>
        new(publicKey, ip, hostname, tcpPort, udpPort);

    private string Format()
    {
        string key = PublicKey.ToHex();
        string? host = HostText;
        if (host is null)
        {
            return Scheme + key;
        }

        // Only an IPv6 literal has colons; go's net.TCPAddr.String brackets it for the same reason.
        string hostPart = host.Contains(':') ? "[" + host + "]" : host;
        string url = string.Create(CultureInfo.InvariantCulture, $"{Scheme}{key}@{hostPart}:{TcpPort}");
        return UdpPort == TcpPort
            ? url
            : string.Create(CultureInfo.InvariantCulture, $"{url}?{DiscoveryPortParameter}={UdpPort}");
    }
}
