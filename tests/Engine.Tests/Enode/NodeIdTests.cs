using System.Numerics;
using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Engine.Tests.Enode;

public sealed class NodeIdTests
{
    [Fact]
    public void IdOfEveryVectorKeyIsTheVectorNodeId()
    {
        using JsonDocument doc = TestVectors.Load("enode-urls.json");
        int checkedKeys = 0;
        foreach (JsonElement testCase in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (!testCase.TryGetProperty("expected", out JsonElement expected))
            {
                continue;
            }

            var key = PublicKey.FromHex(expected.GetProperty("publicKey").GetString()!);
            string nodeId = expected.GetProperty("nodeId").GetString()!;

            NodeId id = NodeId.FromPublicKey(key);

            Assert.Equal(nodeId, id.ToString());
            Assert.Equal(NodeId.Parse(nodeId), id);
            checkedKeys++;
        }

        // Six enode cases share one key; the ENR case has another.
        Assert.Equal(7, checkedKeys);
    }

    [Fact]
    public void IdIsKeccakOfTheKeyBytes()
    {
        using var key = PrivateKey.Generate();
        var encoded = new byte[64];
        key.PublicKey.WriteTo(encoded);
        var hash = new byte[32];
        Keccak256.Hash(encoded, hash);

        NodeId id = NodeId.FromPublicKey(key.PublicKey);

        var written = new byte[32];
        id.WriteTo(written);
        Assert.Equal(hash, written);
        Assert.Equal(new NodeId(hash), id);
    }

    [Fact]
    public void FromPublicKeyDoesNotAllocate()
    {
        using var key = PrivateKey.Generate();
        PublicKey pub = key.PublicKey;
        NodeId id = NodeId.FromPublicKey(pub);
        for (int i = 0; i < 10; i++)
        {
            id = NodeId.FromPublicKey(pub);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            id = NodeId.FromPublicKey(pub);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(NodeId.FromPublicKey(pub), id);
    }

    [Fact]
    public void FromDefaultPublicKeyThrows()
    {
        Assert.Throws<ArgumentException>(() => NodeId.FromPublicKey(default));
    }

    [Fact]
    public void ParseAndToStringRoundTrip()
    {
        var random = new Random(64);
        var bytes = new byte[32];
        for (int i = 0; i < 100; i++)
        {
            random.NextBytes(bytes);
            string hex = Convert.ToHexStringLower(bytes);
            var id = new NodeId(bytes);

            Assert.Equal(hex, id.ToString());
            Assert.Equal(id, NodeId.Parse(hex));
            Assert.Equal(id, NodeId.Parse("0x" + hex));
            Assert.Equal(id, NodeId.Parse("0X" + hex.ToUpperInvariant()));
            Assert.True(NodeId.TryParse(hex.AsSpan(), out NodeId fromSpan));
            Assert.Equal(id, fromSpan);
            Assert.Equal(hex[..16], id.TerminalString());
        }
    }

    [Theory]
    [InlineData("", "wrong length, want 64 hex chars; got 0")]
    [InlineData("0x", "wrong length, want 64 hex chars; got 0")]
    [InlineData("00", "wrong length, want 64 hex chars; got 2")]
    [InlineData("3431c3939e1ee2a6345e976a8234f9870152d64879f30bc272a074f6859e75e800", "got 66")]
    [InlineData("3431c3939e1ee2a6345e976a8234f9870152d64879f30bc272a074f6859e75eg", "'g' at position 63")]
    [InlineData("z431c3939e1ee2a6345e976a8234f9870152d64879f30bc272a074f6859e75e8", "'z' at position 0")]
    [InlineData(" 431c3939e1ee2a6345e976a8234f9870152d64879f30bc272a074f6859e75e8", "' ' at position 0")]
    public void ParseRejectsBadText(string text, string expectedInMessage)
    {
        FormatException thrown = Assert.Throws<FormatException>(() => NodeId.Parse(text));
        Assert.Contains(expectedInMessage, thrown.Message, StringComparison.Ordinal);
        Assert.False(NodeId.TryParse(text, out NodeId id));
        Assert.Equal(default, id);
    }

    [Fact]
    public void ParseAndConstructorRejectMisuse()
    {
        Assert.Throws<ArgumentNullException>(() => NodeId.Parse(null!));
        Assert.False(NodeId.TryParse((string?)null, out _));
        Assert.Throws<ArgumentException>(() => new NodeId(new byte[31]));
        Assert.Throws<ArgumentException>(() => new NodeId(new byte[33]));
        Assert.Throws<ArgumentException>(() => default(NodeId).WriteTo(new byte[31]));
    }

    [Fact]
    public void EqualityAndHashFollowEveryByte()
    {
        var bytes = new byte[32];
        new Random(32).NextBytes(bytes);
        var id = new NodeId(bytes);
        var same = new NodeId(bytes.ToArray());
        Assert.Equal(id, same);
        Assert.True(id == same);
        Assert.True(id.Equals((object)same));
        Assert.Equal(id.GetHashCode(), same.GetHashCode());

        for (int bit = 0; bit < 256; bit++)
        {
            byte[] flipped = bytes.ToArray();
            flipped[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            var other = new NodeId(flipped);
            Assert.NotEqual(id, other);
            Assert.True(id != other);
        }

        var set = new HashSet<NodeId> { id, same, default };
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void LogDistanceOfOneFlippedBitIsItsPositionFromTheEnd()
    {
        var bytes = new byte[32];
        new Random(256).NextBytes(bytes);
        var id = new NodeId(bytes);
        Assert.Equal(0, NodeId.LogDistance(id, id));

        for (int bit = 0; bit < 256; bit++)
        {
            byte[] flipped = bytes.ToArray();
            flipped[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            Assert.Equal(256 - bit, NodeId.LogDistance(id, new NodeId(flipped)));
            Assert.Equal(256 - bit, NodeId.LogDistance(new NodeId(flipped), id));
        }
    }

    [Fact]
    public void DistancesMatchABigIntegerReference()
    {
        // go-ethereum's TestNodeID_logdist/TestNodeID_distcmp check against big.Int the same way.
        var random = new Random(778);
        for (int i = 0; i < 2000; i++)
        {
            NodeId target = RandomId(random, sharedPrefixWith: null);
            NodeId a = RandomId(random, target);
            NodeId b = RandomId(random, target);

            BigInteger da = Value(a) ^ Value(target);
            BigInteger db = Value(b) ^ Value(target);
            Assert.Equal((int)da.GetBitLength(), NodeId.LogDistance(a, target));
            Assert.Equal(da.CompareTo(db), NodeId.CompareDistance(target, a, b));
            Assert.Equal(db.CompareTo(da), NodeId.CompareDistance(target, b, a));
        }

        NodeId x = RandomId(random, sharedPrefixWith: null);
        Assert.Equal(0, NodeId.CompareDistance(x, x, x));
    }

    private static NodeId RandomId(Random random, NodeId? sharedPrefixWith)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        if (sharedPrefixWith is NodeId prefix)
        {
            // Share a random number of leading bytes so distances land in every word, not just the first.
            var prefixBytes = new byte[32];
            prefix.WriteTo(prefixBytes);
            prefixBytes.AsSpan(0, random.Next(33)).CopyTo(bytes);
        }

        return new NodeId(bytes);
    }

    private static BigInteger Value(NodeId id)
    {
        var bytes = new byte[32];
        id.WriteTo(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }
}
