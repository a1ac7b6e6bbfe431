using System.Collections.Immutable;
using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Framing.Rlp;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class HelloTests
{
    [Fact]
    public void VectorDecodesToTheDerivedFields()
    {
        using JsonDocument doc = TestVectors.Load("p2p-hello.json");
        foreach (JsonElement testCase in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            byte[] payload = TestVectors.Hex(testCase.GetProperty("payload").GetString()!);
            JsonElement expected = testCase.GetProperty("derived");

            Hello hello = Hello.DecodeMessage(payload);

            // 55, not the 22 of the EIP-8 prose: see the vector's note.
            Assert.Equal(expected.GetProperty("protocolVersion").GetUInt64(), hello.ProtocolVersion);
            Assert.Equal(expected.GetProperty("clientId").GetString(), hello.ClientName);
            Cap[] expectedCaps = expected.GetProperty("capabilities").EnumerateArray()
                .Select(c => new Cap(c.GetProperty("name").GetString()!, c.GetProperty("version").GetUInt32()))
                .ToArray();
            Assert.Equal(expectedCaps, hello.Caps.ToArray());
            Assert.Equal(expected.GetProperty("listenPort").GetUInt64(), hello.ListenPort);
            Assert.Equal(expected.GetProperty("nodeId").GetString(), hello.NodeId.ToHex());
            string extra = string.Concat(expected.GetProperty("extraListElements").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(extra, TestVectors.ToHex(hello.Rest.Span));
        }
    }

    [Fact]
    public void VectorReEncodesToTheSameBytes()
    {
        using JsonDocument doc = TestVectors.Load("p2p-hello.json");
        foreach (JsonElement testCase in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            byte[] payload = TestVectors.Hex(testCase.GetProperty("payload").GetString()!);
            Hello hello = Hello.DecodeMessage(payload);

            Assert.Equal(payload.Length, hello.GetRlpLength());
            Assert.Equal(TestVectors.ToHex(payload), TestVectors.ToHex(RlpCodec.EncodeToArray(hello)));
        }
    }

    [Theory]
    [InlineData(0UL, "", 0, 0UL)]
    [InlineData(5UL, "geth/v1.14.0-stable/linux-amd64/go1.22.1", 3, 30303UL)]
    [InlineData(ulong.MaxValue, "ünïcødé client", 40, ulong.MaxValue)]
    public void RoundTrips(ulong version, string name, int capCount, ulong port)
    {
        using var key = PrivateKey.Generate();
        ImmutableArray<Cap> caps = Enumerable.Range(0, capCount)
            .Select(i => new Cap(i % 2 == 0 ? "eth" : "snap" + i, (uint)(i * 1000)))
            .ToImmutableArray();
        var hello = new Hello(version, name, caps, port, key.PublicKey);

        byte[] encoded = RlpCodec.EncodeToArray(hello);
        Hello decoded = Hello.DecodeMessage(encoded);

        Assert.Equal(version, decoded.ProtocolVersion);
        Assert.Equal(name, decoded.ClientName);
        Assert.Equal(caps.ToArray(), decoded.Caps.ToArray());
        Assert.Equal(port, decoded.ListenPort);
        Assert.Equal(key.PublicKey, decoded.NodeId);
        Assert.True(decoded.Rest.IsEmpty);
        Assert.Equal(encoded, RlpCodec.EncodeToArray(decoded));
    }

    [Fact]
    public void ExtraListElementsAreAcceptedAndKept()
    {
        using var key = PrivateKey.Generate();
        var plain = new Hello(5, "x", [new Cap("eth", 68)], 30303, key.PublicKey);

        // A nested list, a string and an integer after the node ID, as a future version might add.
        byte[] extra = TestVectors.Hex("c3c201028363617407");
        var extended = new Hello(5, "x", [new Cap("eth", 68)], 30303, key.PublicKey, extra);
        byte[] encoded = RlpCodec.EncodeToArray(extended);
        Assert.Equal(RlpCodec.EncodeToArray(plain).Length + extra.Length, encoded.Length);

        Hello decoded = Hello.DecodeMessage(encoded);

        Assert.Equal(key.PublicKey, decoded.NodeId);
        Assert.Equal(30303UL, decoded.ListenPort);
        Assert.Equal(extra, decoded.Rest.ToArray());
    }

    [Fact]
    public void MissingNodeIdIsRejected()
    {
        // [5, "x", [], 0]: a Hello cut short before the node ID.
        byte[] encoded = TestVectors.Hex("c40578c080");
        var ex = Assert.Throws<RlpException>(() => Hello.DecodeMessage(encoded));
        Assert.Equal(RlpError.UnexpectedEnd, ex.Error);
    }

    [Fact]
    public void NodeIdOfWrongLengthIsRejected()
    {
        byte[] encoded = BuildHello(nodeId: new byte[63]);
        var ex = Assert.Throws<RlpException>(() => Hello.DecodeMessage(encoded));
        Assert.Equal(RlpError.UnexpectedLength, ex.Error);
    }

    [Fact]
    public void NodeIdOffTheCurveIsRejected()
    {
        // All zeroes: go-ethereum's DiscInvalidIdentity case (bitutil.TestBytes fails).
        byte[] encoded = BuildHello(nodeId: new byte[Hello.NodeIdLength]);
        var ex = Assert.Throws<RlpException>(() => Hello.DecodeMessage(encoded));
        Assert.Equal(RlpError.InvalidValue, ex.Error);
        Assert.Contains("node ID", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageAtTheLimitIsAcceptedAndOneByteMoreIsRejected()
    {
        using var key = PrivateKey.Generate();
        int overhead = RlpCodec.EncodeToArray(new Hello(5, "", [], 0, key.PublicKey)).Length;

        // Grow the client name until the payload is exactly the limit (the string and list
        // headers change size along the way, so search rather than compute).
        Hello AtSize(int size)
        {
            for (int nameLength = size - overhead; nameLength > 0; nameLength--)
            {
                var candidate = new Hello(5, new string('a', nameLength), [], 0, key.PublicKey);
                if (candidate.GetRlpLength() == size)
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException($"no Hello of exactly {size} bytes");
        }

        byte[] atLimit = RlpCodec.EncodeToArray(AtSize(Hello.MaxMessageSize));
        Assert.Equal(Hello.MaxMessageSize, atLimit.Length);
        Assert.Equal(key.PublicKey, Hello.DecodeMessage(atLimit).NodeId);

        byte[] over = RlpCodec.EncodeToArray(AtSize(Hello.MaxMessageSize + 1));
        var ex = Assert.Throws<RlpException>(() => Hello.DecodeMessage(over));
        Assert.Equal(RlpError.InvalidValue, ex.Error);
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CapWithExtraItemIsRejected()
    {
        // Unlike Hello, a capability is decoded strictly, as go-ethereum's Cap struct is.
        byte[] encoded = TestVectors.Hex("c6836574684301");
        var ex = Assert.Throws<RlpException>(() => RlpCodec.Decode<Cap>(encoded));
        Assert.Equal(RlpError.TrailingBytes, ex.Error);
        Assert.Equal(new Cap("eth", 67), RlpCodec.Decode<Cap>(TestVectors.Hex("c58365746843")));
    }

    private static byte[] BuildHello(byte[] nodeId)
    {
        byte[] buffer = new byte[256];
        var writer = new RlpWriter(buffer);
        int content = 1 + RlpCodec.GetStringLength("x") + 1 + 1 + RlpCodec.GetByteStringLength(nodeId);
        writer.WriteListHeader(content);
        writer.WriteUInt64(5);
        writer.WriteString("x");
        writer.WriteListHeader(0);
        writer.WriteUInt64(0);
        writer.WriteBytes(nodeId);
        return writer.WrittenSpan.ToArray();
    }
}
