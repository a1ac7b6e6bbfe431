using System.Net;
using Devp2p.Crypto;
using Devp2p.Enode;
using Xunit;

namespace Devp2p.Engine.Tests.Enode;

/// <summary>Accepted and refused forms beyond the vectors.</summary>
public sealed partial class EnodeUrlTests
{
    /// <summary>The key of the go-ethereum test URLs (a valid point).</summary>
    private const string Key =
        "1dd9d65c4552b5eb43d5ad55a2ee3f56c6cbc1c64a5c8d659f51fcd51bace24351232b8d7821617d2b29b54b81cdefb9b3e9c37d7fd5f63270bcc9e1a6f6a439";

    [Theory]
    [InlineData("@[::ffff:10.3.58.6]:30303", "10.3.58.6", 30303, 30303, "@10.3.58.6:30303")]
    [InlineData("@[::1.2.3.4]:1", "::1.2.3.4", 1, 1, "@[::102:304]:1")]
    [InlineData("@[2001:DB8:0:0:1:0:0:1]:30303", "2001:db8::1:0:0:1", 30303, 30303, "@[2001:db8::1:0:0:1]:30303")]
    [InlineData("@[2001:db8:0:1:1:1:1:1]:30303", "2001:db8:0:1:1:1:1:1", 30303, 30303, "@[2001:db8:0:1:1:1:1:1]:30303")]
    [InlineData("@10.3.58.6:30303?discport=30301", "10.3.58.6", 30303, 30301, "@10.3.58.6:30303?discport=30301")]
    [InlineData("@10.3.58.6:30303?discport=30303", "10.3.58.6", 30303, 30303, "@10.3.58.6:30303")]
    [InlineData("@10.3.58.6:30303?discport=", "10.3.58.6", 30303, 30303, "@10.3.58.6:30303")]
    [InlineData("@10.3.58.6:30303?discport=0", "10.3.58.6", 30303, 0, "@10.3.58.6:30303?discport=0")]
    [InlineData("@10.3.58.6:30303?foo=bar&discport=7&discport=8", "10.3.58.6", 30303, 7, "@10.3.58.6:30303?discport=7")]
    [InlineData("@10.3.58.6:030303", "10.3.58.6", 30303, 30303, "@10.3.58.6:30303")]
    [InlineData("@0.0.0.0:0", "0.0.0.0", 0, 0, "@0.0.0.0:0")]
    [InlineData("@255.255.255.255:65535?discport=65535", "255.255.255.255", 65535, 65535, "@255.255.255.255:65535")]
    public void ParsesIpForms(string suffix, string ip, int tcp, int udp, string formattedSuffix)
    {
        EnodeUrl url = EnodeUrl.Parse("enode://" + Key + suffix);

        Assert.Equal(IPAddress.Parse(ip), url.Ip);
        Assert.Null(url.Hostname);
        Assert.Equal(tcp, url.TcpPort);
        Assert.Equal(udp, url.UdpPort);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(ip), udp), url.UdpEndPoint);
        Assert.Equal("enode://" + Key + formattedSuffix, url.ToString());
    }

    [Theory]
    [InlineData("@localhost:30303", "localhost", 30303, 30303)]
    [InlineData("@Boot-Node_1.Example.org.:30303?discport=30301", "Boot-Node_1.Example.org.", 30303, 30301)]
    [InlineData("@1.2.3.example:7", "1.2.3.example", 7, 7)]
    public void KeepsDnsNamesAsGiven(string suffix, string hostname, int tcp, int udp)
    {
        string input = "enode://" + Key + suffix;
        EnodeUrl url = EnodeUrl.Parse(input);

        Assert.Equal(hostname, url.Hostname);
        Assert.Null(url.Ip);
        Assert.Null(url.TcpEndPoint);
        Assert.Null(url.UdpEndPoint);
        Assert.True(url.HasAddress);
        Assert.Equal(tcp, url.TcpPort);
        Assert.Equal(udp, url.UdpPort);
        Assert.Equal(input, url.ToString());
    }

    [Fact]
    public void AcceptsUppercaseKeyAndPrintsItLowercase()
    {
        EnodeUrl url = EnodeUrl.Parse("enode://" + Key.ToUpperInvariant() + "@127.0.0.1:30303");

        Assert.Equal("enode://" + Key + "@127.0.0.1:30303", url.ToString());
        Assert.Equal(EnodeUrl.Parse("enode://" + Key + "@127.0.0.1:30303"), url);
    }

    [Theory]
    // Scheme and record prefix.
    [InlineData("ENODE://" + Key + "@127.0.0.1:30303", "missing 'enr:' prefix for base64-encoded record")]
    [InlineData(" enode://" + Key + "@127.0.0.1:30303", "missing 'enr:' prefix for base64-encoded record")]
    [InlineData(Key, "A bare node ID needs the enode:// scheme")]
    [InlineData("enr:-IS4QGrdq0ugARp5T2BZ41TrZOqLc", "not supported yet")]
    // The key.
    [InlineData("enode://", "does not contain node ID")]
    [InlineData("enode://" + Key + "?discport=1", "does not contain node ID")]
    [InlineData("enode://10.3.58.6:30303", "does not contain node ID")]
    [InlineData("enode://@127.0.0.1:30303", "invalid public key (wrong length, want 128 hex chars); got 0")]
    [InlineData("enode://" + Key + "00@127.0.0.1:30303", "invalid public key (wrong length, want 128 hex chars); got 130")]
    [InlineData("enode://0x" + Key + "@127.0.0.1:30303", "invalid public key (not hex: 'x' at position 1")]
    [InlineData("enode://" + Key + ":pw@127.0.0.1:30303", "invalid public key (not hex: ':' at position 128")]
    // The host.
    [InlineData("enode://" + Key + "@:30303", "missing host")]
    [InlineData("enode://" + Key + "@::1:30303", "an IPv6 address must be in brackets")]
    [InlineData("enode://" + Key + "@[::1:30303", "missing ']'")]
    [InlineData("enode://" + Key + "@[::1]30303", "unexpected \"30303\" after ']'")]
    [InlineData("enode://" + Key + "@[1.2.3.4]:30303", "invalid IPv6 address \"1.2.3.4\"")]
    [InlineData("enode://" + Key + "@[fe80::1%25eth0]:30303", "invalid IPv6 address")]
    [InlineData("enode://" + Key + "@[example.org]:30303", "invalid IPv6 address")]
    [InlineData("enode://" + Key + "@1.2.3:30303", "invalid IPv4 address \"1.2.3\"")]
    [InlineData("enode://" + Key + "@010.0.0.1:30303", "invalid IPv4 address \"010.0.0.1\"")]
    [InlineData("enode://" + Key + "@256.0.0.1:30303", "invalid IPv4 address")]
    [InlineData("enode://" + Key + "@1.2.3.4.5:30303", "invalid IPv4 address")]
    [InlineData("enode://" + Key + "@bad host:30303", "invalid host \"bad host\": ' ' is not allowed")]
    [InlineData("enode://" + Key + "@a..b:30303", "empty label")]
    [InlineData("enode://" + Key + "@-a.b:30303", "starts or ends with '-'")]
    [InlineData("enode://" + Key + "@x%41.org:30303", "'%' is not allowed")]
    // Ports, query, path, fragment.
    [InlineData("enode://" + Key + "@127.0.0.1", "invalid port (missing)")]
    [InlineData("enode://" + Key + "@127.0.0.1:", "invalid port \"\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:65536", "invalid port \"65536\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:-1", "invalid port \"-1\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:+1", "invalid port \"+1\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:99999999999999999999", "invalid port")]
    [InlineData("enode://" + Key + "@127.0.0.1:30303?discport=65536", "invalid discport in query: \"65536\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:30303?discport= 1", "invalid discport in query")]
    [InlineData("enode://" + Key + "@127.0.0.1:30303/", "unexpected path \"/\"")]
    [InlineData("enode://" + Key + "@127.0.0.1:30303#x", "unexpected fragment \"#x\"")]
    public void RejectsWithAMessageNamingTheProblem(string input, string expectedInMessage)
    {
        FormatException thrown = Assert.Throws<FormatException>(() => EnodeUrl.Parse(input));
        Assert.Contains(expectedInMessage, thrown.Message, StringComparison.Ordinal);
        Assert.False(EnodeUrl.TryParse(input, out _, out string? error));
        Assert.Equal(thrown.Message, error);
    }

    [Fact]
    public void RejectsAKeyThatIsNotOnTheCurve()
    {
        // x = 2^256 - 1 is above the field prime, so no point has it.
        string notAPoint = new string('f', 128);
        FormatException thrown = Assert.Throws<FormatException>(
            () => EnodeUrl.Parse("enode://" + notAPoint + "@127.0.0.1:30303"));
        Assert.Contains("invalid public key (invalid secp256k1 public key)", thrown.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => EnodeUrl.Parse("enode://" + notAPoint));
    }

    [Fact]
    public void ParseRejectsNullAndTryParseReportsIt()
    {
        Assert.Throws<ArgumentNullException>(() => EnodeUrl.Parse(null!));
        Assert.False(EnodeUrl.TryParse(null, out EnodeUrl? url, out string? error));
        Assert.Null(url);
        Assert.NotNull(error);
    }

    [Fact]
    public void IncompleteNodeHasOnlyTheKey()
    {
        EnodeUrl url = EnodeUrl.Parse("enode://" + Key);

        Assert.False(url.HasAddress);
        Assert.Null(url.Ip);
        Assert.Null(url.Hostname);
        Assert.Null(url.TcpEndPoint);
        Assert.Equal(0, url.TcpPort);
        Assert.Equal(0, url.UdpPort);
        Assert.Equal(PublicKey.FromHex(Key), url.PublicKey);
        Assert.Equal(NodeId.FromPublicKey(PublicKey.FromHex(Key)), url.Id);
    }
}
