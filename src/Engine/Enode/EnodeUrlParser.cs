using System.Buffers;
using System.Globalization;
using System.Net;
using Devp2p.Crypto;

namespace Devp2p.Enode;

/// <summary>
/// Parses node URLs the way go-ethereum's <c>enode.Parse</c> and <c>ParseV4</c>/<c>parseComplete</c>
/// (p2p/enode/urlv4.go) do, returning an error text instead of throwing so that
/// <see cref="EnodeUrl.TryParse"/> stays exception-free. Each message contains go-ethereum's words
/// for the same failure ("invalid port", "invalid discport in query", "invalid public key (wrong
/// length, want 128 hex chars)", ...) followed by what was found.
/// </summary>
/// <remarks>
/// Where go-ethereum is looser than a configuration file deserves, this parser refuses: a path or
/// fragment after the host (go ignores them), an empty host (go makes an address-less node that
/// still has ports), an IPv6 literal outside brackets, IPv4 text Go's <c>net.ParseIP</c> refuses
/// (go then keeps it as a hostname that can never resolve), and host names with characters DNS does
/// not allow. Query parameters other than <c>discport</c> are ignored, as go-ethereum ignores them.
/// </remarks>
internal static class EnodeUrlParser
{
    /// <summary>The prefix of a base64 node record (EIP-778), recognised only to be refused.</summary>
    private const string RecordPrefix = "enr:";

    private const int KeyBytes = 64;
    private const int KeyHexLength = 2 * KeyBytes;

    /// <summary>What every parse error starts with; callers with their own wording (admin_addPeer) cut it off.</summary>
    internal const string Prefix = "Invalid enode URL: ";
    private const string Shape = "enode://<128 hex digits>[@host:port[?discport=port]]";

    /// <summary>go-ethereum's <c>errMissingPrefix</c> text.</summary>
    private const string GoMissingPrefix = "missing 'enr:' prefix for base64-encoded record";

    private static readonly SearchValues<char> s_hexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <returns>Null on success (and <paramref name="url"/> set), otherwise the error text.</returns>
    internal static string? TryParse(string text, out EnodeUrl? url)
    {
        url = null;
        if (text.StartsWith(RecordPrefix, StringComparison.Ordinal))
        {
            return "ENR records (\"enr:...\") are not supported yet; give the node as an enode URL, " + Shape + ".";
        }

        // Case-sensitive, as go-ethereum's enode.Parse checks it with strings.HasPrefix.
        if (!text.StartsWith(EnodeUrl.Scheme, StringComparison.Ordinal))
        {
            string hint = text.Length > 0 && !text.AsSpan().ContainsAnyExcept(s_hexDigits)
                ? " A bare node ID needs the enode:// scheme in front."
                : string.Empty;
            return $"Invalid node URL: no 'enode://' scheme, want {Shape} ({GoMissingPrefix}; ENR records are not supported yet).{hint}";
        }

        ReadOnlySpan<char> rest = text.AsSpan(EnodeUrl.Scheme.Length);

        // Split as a URL parser does: the fragment first, then the query, then any path.
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            return $"{Prefix}unexpected fragment \"{rest[hash..]}\"; want {Shape}.";
        }

        ReadOnlySpan<char> query = default;
        int question = rest.IndexOf('?');
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        int slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            return $"{Prefix}unexpected path \"{rest[slash..]}\" after the host; want {Shape}.";
        }

        // The key is the URL's user part; go takes everything before the last '@' of the authority.
        int at = rest.LastIndexOf('@');
        if (at < 0)
        {
            // go-ethereum's incomplete form, enode://<hex>; anything else without '@' lacks the key.
            if (question >= 0 || rest.IsEmpty || rest.ContainsAnyExcept(s_hexDigits))
            {
                return $"{Prefix}does not contain node ID; want {Shape}.";
            }

            string? keyError = TryParseKey(rest, out PublicKey bareKey);
            if (keyError is not null)
            {
                return keyError;
            }

            url = new EnodeUrl(bareKey);
            return null;
        }

        string? error = TryParseKey(rest[..at], out PublicKey key);
        if (error is not null)
        {
            return error;
        }

        error = SplitHostPort(rest[(at + 1)..], out ReadOnlySpan<char> host, out ReadOnlySpan<char> portText, out bool bracketed);
        if (error is not null)
        {
            return error;
        }

        if (!TryParsePort(portText, out int tcpPort))
        {
            return $"{Prefix}invalid port \"{portText}\"; want a decimal number from 0 to {IPEndPoint.MaxPort}.";
        }

        error = ParseHost(host, bracketed, out IPAddress? ip, out string? hostname);
        if (error is not null)
        {
            return error;
        }

        error = FindDiscoveryPort(query, tcpPort, out int udpPort);
        if (error is not null)
        {
            return error;
        }

        url = EnodeUrl.FromParts(key, ip, hostname, tcpPort, udpPort);
        return null;
    }

    private static string? TryParseKey(ReadOnlySpan<char> hex, out PublicKey key)
    {
        key = default;
        int bad = hex.IndexOfAnyExcept(s_hexDigits);
        if (bad >= 0)
        {
            return $"{Prefix}invalid public key (not hex: '{hex[bad]}' at position {bad} of the key); want {KeyHexLength} hex digits before '@'.";
        }

        if (hex.Length != KeyHexLength)
        {
            return $"{Prefix}invalid public key (wrong length, want {KeyHexLength} hex chars); got {hex.Length}.";
        }

        Span<byte> bytes = stackalloc byte[KeyBytes];
        Convert.FromHexString(hex, bytes, out _, out _);
        if (!PublicKey.TryParse(bytes, out key))
        {
            return $"{Prefix}invalid public key (invalid secp256k1 public key): the 64 bytes are not a point on the curve.";
        }

        return null;
    }

    private static string? SplitHostPort(
        ReadOnlySpan<char> hostPort, out ReadOnlySpan<char> host, out ReadOnlySpan<char> port, out bool bracketed)
    {
        host = default;
        port = default;
        bracketed = hostPort.StartsWith('[');
        if (bracketed)
        {
            int close = hostPort.IndexOf(']');
            if (close < 0)
            {
                return $"{Prefix}missing ']' after the IPv6 address in \"{hostPort}\".";
            }

            host = hostPort[1..close];
            ReadOnlySpan<char> after = hostPort[(close + 1)..];
            if (after.IsEmpty)
            {
                return $"{Prefix}invalid port (missing); want [{host}]:port.";
            }

            if (after[0] != ':')
            {
                return $"{Prefix}unexpected \"{after}\" after ']'; want [{host}]:port.";
            }

            port = after[1..];
            return null;
        }

        int colon = hostPort.LastIndexOf(':');
        if (colon < 0)
        {
            return $"{Prefix}invalid port (missing); want host:port after '@', got \"{hostPort}\".";
        }

        host = hostPort[..colon];
        port = hostPort[(colon + 1)..];
        if (host.Contains(':'))
        {
            return $"{Prefix}invalid host \"{host}\": an IPv6 address must be in brackets, as in [::1]:30303.";
        }

        return null;
    }

    private static string? ParseHost(ReadOnlySpan<char> host, bool bracketed, out IPAddress? ip, out string? hostname)
    {
        hostname = null;
        if (bracketed)
        {
            return EnodeHost.TryParseIPv6(host, out ip)
                ? null
                : $"{Prefix}invalid IPv6 address \"{host}\" in brackets (zones and prefixes are not allowed).";
        }

        ip = null;
        if (host.IsEmpty)
        {
            return $"{Prefix}missing host before the port; want host:port after '@'.";
        }

        if (EnodeHost.TryParseIPv4(host, out ip))
        {
            return null;
        }

        if (EnodeHost.LooksLikeIPv4(host))
        {
            return $"{Prefix}invalid IPv4 address \"{host}\" (want four decimal numbers 0-255 without leading zeros).";
        }

        string? problem = EnodeHost.DescribeHostnameError(host);
        if (problem is not null)
        {
            return $"{Prefix}invalid host \"{host}\": {problem}.";
        }

        hostname = host.ToString();
        return null;
    }

    private static string? FindDiscoveryPort(ReadOnlySpan<char> query, int tcpPort, out int udpPort)
    {
        udpPort = tcpPort;
        foreach (Range range in query.Split('&'))
        {
            ReadOnlySpan<char> pair = query[range];
            int equals = pair.IndexOf('=');
            ReadOnlySpan<char> name = equals < 0 ? pair : pair[..equals];
            if (!name.SequenceEqual(EnodeUrl.DiscoveryPortParameter))
            {
                continue;
            }

            // go reads the first value only (url.Values.Get), and an empty one means "same as TCP".
            ReadOnlySpan<char> value = equals < 0 ? default : pair[(equals + 1)..];
            if (value.IsEmpty)
            {
                return null;
            }

            return TryParsePort(value, out udpPort)
                ? null
                : $"{Prefix}invalid discport in query: \"{value}\"; want a decimal number from 0 to {IPEndPoint.MaxPort}.";
        }

        return null;
    }

    /// <summary>
    /// Decimal digits only, up to 65535, leading zeros allowed (Go's <c>strconv.ParseUint(s, 10, 16)</c>).
    /// </summary>
    private static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;
}
