using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Devp2p.Enode;

/// <summary>
/// The host part of an enode URL: strict IP literal parsing, DNS name checks, and IP formatting
/// that prints what go-ethereum's <c>net.IP.String</c> prints, so formatted URLs match geth's.
/// </summary>
internal static class EnodeHost
{
    /// <summary>Longest DNS name in text form, without the root dot (RFC 1035 §2.3.4, as RFC 2181 §11 counts it).</summary>
    internal const int MaxHostnameLength = 253;

    /// <summary>Longest DNS label (RFC 1035 §2.3.4).</summary>
    internal const int MaxLabelLength = 63;

    private const int IPv4Octets = 4;
    private const int MaxOctetDigits = 3;
    private const int IPv6Groups = 8;

    /// <summary>Longest IPv6 text: eight groups of four digits and seven colons.</summary>
    private const int MaxIPv6TextLength = (IPv6Groups * 4) + (IPv6Groups - 1);

    private static readonly SearchValues<char> s_labelChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    /// <summary>
    /// Parses exactly four decimal octets without leading zeros, as Go's <c>net.ParseIP</c> does since
    /// Go 1.17. <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/> would also take
    /// "1", "1.2", "0x7f.1" and octal "010.0.0.1", each meaning a different address than it seems.
    /// </summary>
    internal static bool TryParseIPv4(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<byte> octets = stackalloc byte[IPv4Octets];
        for (int i = 0; i < IPv4Octets; i++)
        {
            if (i > 0)
            {
                if (text.IsEmpty || text[0] != '.')
                {
                    return false;
                }

                text = text[1..];
            }

            int digits = 0;
            int value = 0;
            while (digits < text.Length && char.IsAsciiDigit(text[digits]))
            {
                value = (value * 10) + (text[digits] - '0');
                digits++;
                if (digits > MaxOctetDigits)
                {
                    return false;
                }
            }

            if (digits == 0 || value > byte.MaxValue || (digits > 1 && text[0] == '0'))
            {
                return false;
            }

            octets[i] = (byte)value;
            text = text[digits..];
        }

        if (!text.IsEmpty)
        {
            return false;
        }

        address = new IPAddress(octets);
        return true;
    }

    /// <summary>
    /// Parses an IPv6 literal (hex groups, "::", an optional trailing dotted IPv4 part). Zones
    /// ("%eth0") and prefix lengths are refused: an enode URL names a global endpoint, and go-ethereum's
    /// node records have no place for a zone. An IPv4-mapped address comes back as plain IPv4, as
    /// go-ethereum stores it.
    /// </summary>
    internal static bool TryParseIPv6(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;

        // IPAddress.TryParse is lenient about surrounding syntax (brackets, ports, zones), so only the
        // characters of a bare literal get as far as it.
        if (!text.Contains(':') || text.ContainsAnyExcept("0123456789abcdefABCDEF:."))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out IPAddress? parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    /// <summary>
    /// True when <paramref name="host"/> reads as an attempt at a dotted IPv4 address: its last label
    /// is all digits. No top-level domain is numeric (RFC 3696 §2), so such text is never a DNS name.
    /// </summary>
    internal static bool LooksLikeIPv4(ReadOnlySpan<char> host)
    {
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        ReadOnlySpan<char> last = host[(host.LastIndexOf('.') + 1)..];
        return !last.IsEmpty && !last.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>
    /// Checks a DNS name: labels of letters, digits, '-' and '_' (service names use '_'), 1 to 63
    /// characters, not starting or ending with '-', at most 253 characters, one optional trailing dot.
    /// </summary>
    /// <returns>Null when the name is acceptable, otherwise why it is not.</returns>
    internal static string? DescribeHostnameError(ReadOnlySpan<char> host)
    {
        ReadOnlySpan<char> name = host.EndsWith('.') ? host[..^1] : host;
        if (name.IsEmpty)
        {
            return "the host is empty";
        }

        if (name.Length > MaxHostnameLength)
        {
            return $"a DNS name is at most {MaxHostnameLength} characters; got {name.Length}";
        }

        foreach (Range range in name.Split('.'))
        {
            ReadOnlySpan<char> label = name[range];
            if (label.IsEmpty)
            {
                return "a DNS name cannot have an empty label (\"..\" or a leading dot)";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"a DNS label is at most {MaxLabelLength} characters; \"{label}\" has {label.Length}";
            }

            int bad = label.IndexOfAnyExcept(s_labelChars);
            if (bad >= 0)
            {
                return $"'{label[bad]}' is not allowed in a DNS name (letters, digits, '-', '_' and '.' are)";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"the DNS label \"{label}\" starts or ends with '-'";
            }
        }

        return null;
    }

    /// <summary>
    /// Formats an address as Go's <c>net.IP.String</c> does: dotted decimal for IPv4, and for IPv6
    /// lowercase hex groups without leading zeros where the first longest run of two or more zero
    /// groups becomes "::" (RFC 5952). Unlike .NET's formatter it never prints a dotted tail for
    /// IPv4-compatible addresses (Go prints ::102:304, .NET ::1.2.3.4) and never prints a scope.
    /// </summary>
    internal static string Format(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[2 * IPv6Groups];
        address.TryWriteBytes(bytes, out _);
        Span<ushort> groups = stackalloc ushort[IPv6Groups];
        for (int i = 0; i < IPv6Groups; i++)
        {
            groups[i] = (ushort)((bytes[2 * i] << 8) | bytes[(2 * i) + 1]);
        }

        (int runStart, int runLength) = LongestZeroRun(groups);
        Span<char> text = stackalloc char[MaxIPv6TextLength];
        int written = 0;
        for (int i = 0; i < IPv6Groups; i++)
        {
            if (i == runStart)
            {
                text[written++] = ':';
                text[written++] = ':';
                i += runLength - 1;
                continue;
            }

            if (written > 0 && text[written - 1] != ':')
            {
                text[written++] = ':';
            }

            groups[i].TryFormat(text[written..], out int digits, "x", provider: null);
            written += digits;
        }

        return new string(text[..written]);
    }

    /// <summary>Copies an address for keeping (IPAddress is mutable) and maps IPv4-mapped IPv6 to IPv4.</summary>
    /// <exception cref="ArgumentException">The address is neither IPv4 nor IPv6, or carries an IPv6 scope.</exception>
    internal static IPAddress Normalize(IPAddress address, string paramName)
    {
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                return new IPAddress(address.GetAddressBytes());
            case AddressFamily.InterNetworkV6 when address.IsIPv4MappedToIPv6:
                return address.MapToIPv4();
            case AddressFamily.InterNetworkV6 when address.ScopeId != 0:
                throw new ArgumentException(
                    $"An enode URL cannot carry an IPv6 scope (zone); {address} has scope {address.ScopeId}.", paramName);
            case AddressFamily.InterNetworkV6:
                return new IPAddress(address.GetAddressBytes());
            default:
                throw new ArgumentException(
                    $"An enode URL holds an IPv4 or IPv6 address, not {address.AddressFamily}.", paramName);
        }
    }

    private static (int Start, int Length) LongestZeroRun(ReadOnlySpan<ushort> groups)
    {
        int bestStart = -1;
        int bestLength = 0;
        int i = 0;
        while (i < groups.Length)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            int start = i;
            while (i < groups.Length && groups[i] == 0)
            {
                i++;
            }

            // Strictly longer, so the first of equal runs wins; a lone zero group is not compressed.
            if (i - start > bestLength && i - start >= 2)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        return (bestStart, bestLength);
    }
}
