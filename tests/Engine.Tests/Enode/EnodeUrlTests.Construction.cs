using System.Net;
using System.Net.Sockets;
using Devp2p.Crypto;
using Devp2p.Enode;
using Xunit;

namespace Devp2p.Engine.Tests.Enode;

/// <summary>Building nodes in code, formatting them, and equality.</summary>
public sealed partial class EnodeUrlTests
{
    [Fact]
    public void ConstructedNodeFormatsAndParsesBack()
    {
        using var key = PrivateKey.Generate();
        string hex = key.PublicKey.ToHex();

        var v4 = new EnodeUrl(key.PublicKey, IPAddress.Parse("10.3.58.6"), 30303, 30301);
        var v6 = new EnodeUrl(key.PublicKey, IPAddress.Parse("fe80::204:61ff:fe9d:f156"), 30303, 30303);
        var bare = new EnodeUrl(key.PublicKey);
        EnodeUrl named = EnodeUrl.FromHostname(key.PublicKey, "node.example", 30303, 30303);

        Assert.Equal($"enode://{hex}@10.3.58.6:30303?discport=30301", v4.ToString());
        Assert.Equal($"enode://{hex}@[fe80::204:61ff:fe9d:f156]:30303", v6.ToString());
        Assert.Equal($"enode://{hex}", bare.ToString());
        Assert.Equal($"enode://{hex}@node.example:30303", named.ToString());
        foreach (EnodeUrl url in new[] { v4, v6, bare, named })
        {
            Assert.Equal(url, EnodeUrl.Parse(url.ToString()));
            Assert.Equal(NodeId.FromPublicKey(key.PublicKey), url.Id);
        }
    }

    [Fact]
    public void ConstructorMapsIPv4MappedAddressesAndCopiesTheAddress()
    {
        using var key = PrivateKey.Generate();
        IPAddress mapped = IPAddress.Parse("::ffff:192.168.1.2");
        var url = new EnodeUrl(key.PublicKey, mapped, 1, 2);

        Assert.Equal(AddressFamily.InterNetwork, url.Ip!.AddressFamily);
        Assert.Equal(IPAddress.Parse("192.168.1.2"), url.Ip);
        Assert.EndsWith("@192.168.1.2:1?discport=2", url.ToString(), StringComparison.Ordinal);

        // IPAddress is mutable; neither the caller's instance nor a returned one may change the node.
        IPAddress v6 = IPAddress.Parse("2001:db8::1");
        var url6 = new EnodeUrl(key.PublicKey, v6, 1, 1);
        v6.ScopeId = 3;
        url6.Ip!.ScopeId = 4;
        Assert.Equal(0, url6.Ip!.ScopeId);
        Assert.Equal(0, url6.TcpEndPoint!.Address.ScopeId);
    }

    [Fact]
    public void ConstructionRejectsBadArguments()
    {
        using var key = PrivateKey.Generate();
        PublicKey pub = key.PublicKey;

        Assert.Throws<ArgumentNullException>(() => new EnodeUrl(pub, null!, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnodeUrl(pub, IPAddress.Loopback, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnodeUrl(pub, IPAddress.Loopback, 1, 65536));
        Assert.Throws<ArgumentException>(() => new EnodeUrl(default(PublicKey)));
        Assert.Throws<ArgumentException>(() => new EnodeUrl(pub, IPAddress.Parse("fe80::1%2"), 1, 1));
        Assert.Throws<ArgumentNullException>(() => EnodeUrl.FromHostname(pub, null!, 1, 1));
        Assert.Throws<ArgumentException>(() => EnodeUrl.FromHostname(pub, "10.0.0.1", 1, 1));
        Assert.Throws<ArgumentException>(() => EnodeUrl.FromHostname(pub, "::1", 1, 1));
        Assert.Throws<ArgumentException>(() => EnodeUrl.FromHostname(pub, "bad_host name", 1, 1));
        Assert.Throws<ArgumentException>(() => EnodeUrl.FromHostname(pub, new string('a', 64) + ".org", 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnodeUrl.FromHostname(pub, "ok.example", 70000, 1));
    }

    [Fact]
    public void RandomIPv6AddressesFormatLikeRfc5952AndRoundTrip()
    {
        using var key = PrivateKey.Generate();
        var random = new Random(5952);
        var bytes = new byte[16];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);

            // Zero random groups so that zero runs of every length and position occur.
            for (int group = 0; group < 8; group++)
            {
                if (random.Next(3) == 0)
                {
                    bytes[2 * group] = 0;
                    bytes[(2 * group) + 1] = 0;
                }
            }

            var address = new IPAddress(bytes);
            var url = new EnodeUrl(key.PublicKey, address, 30303, 30303);
            string text = url.ToString();
            if (address.IsIPv4MappedToIPv6)
            {
                Assert.Contains("@" + address.MapToIPv4() + ":", text, StringComparison.Ordinal);
                continue;
            }

            string host = text[(text.IndexOf('@') + 2)..text.IndexOf(']')];

            // .NET also follows RFC 5952, except that it prints a dotted IPv4 tail when the first
            // 80 bits are zero (Go never does; mapped addresses become IPv4 before formatting).
            if (bytes.AsSpan(0, 10).ContainsAnyExcept((byte)0))
            {
                Assert.Equal(address.ToString(), host);
            }

            Assert.DoesNotContain(":::", host, StringComparison.Ordinal);
            Assert.Equal(url, EnodeUrl.Parse(text));
        }
    }

    [Fact]
    public void EqualityComparesKeyAddressAndPorts()
    {
        EnodeUrl a = EnodeUrl.Parse("enode://" + Key + "@10.0.0.1:30303");
        EnodeUrl same = EnodeUrl.Parse("enode://" + Key + "@10.0.0.1:30303?discport=30303");
        EnodeUrl otherUdp = EnodeUrl.Parse("enode://" + Key + "@10.0.0.1:30303?discport=1");
        EnodeUrl otherIp = EnodeUrl.Parse("enode://" + Key + "@10.0.0.2:30303");
        EnodeUrl named = EnodeUrl.Parse("enode://" + Key + "@Node.Example:30303");
        EnodeUrl namedLower = EnodeUrl.Parse("enode://" + Key + "@node.example:30303");
        using var other = PrivateKey.Generate();
        var otherKey = new EnodeUrl(other.PublicKey, IPAddress.Parse("10.0.0.1"), 30303, 30303);

        Assert.Equal(a, same);
        Assert.True(a == same);
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(a, otherUdp);
        Assert.NotEqual(a, otherIp);
        Assert.NotEqual(a, otherKey);
        Assert.True(a != otherKey);
        Assert.NotEqual(a, named);

        // DNS names are case-insensitive; the text is kept as given.
        Assert.Equal(named, namedLower);
        Assert.Equal(named.GetHashCode(), namedLower.GetHashCode());
        Assert.Equal("Node.Example", named.Hostname);
        Assert.False(a.Equals(null));
        Assert.True((EnodeUrl?)null == null);
    }
}
