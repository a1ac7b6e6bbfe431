using System.Net;
using System.Text.Json;
using Devp2p.Enode;
using Devp2p.Tests;
using Xunit;

namespace Devp2p.Engine.Tests.Enode;

/// <summary>Every case of tests/vectors/enode-urls.json (go-ethereum's urlv4_test.go).</summary>
public sealed partial class EnodeUrlTests
{
    private const string VectorFile = "enode-urls.json";

    /// <summary>Case indexes into the vector file, so each case is its own test row.</summary>
    public static TheoryData<int, string> VectorCases()
    {
        var data = new TheoryData<int, string>();
        using JsonDocument doc = TestVectors.Load(VectorFile);
        int index = 0;
        foreach (JsonElement testCase in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(index++, testCase.GetProperty("input").GetString()!);
        }

        return data;
    }

    [Fact]
    public void VectorFileHasTheCasesItsReadmeCounts()
    {
        // tests/vectors/README.md: 19 cases, 7 valid and 12 invalid; a silently shrunken file must not pass.
        using JsonDocument doc = TestVectors.Load(VectorFile);
        JsonElement[] cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToArray();
        Assert.Equal(19, cases.Length);
        Assert.Equal(7, cases.Count(c => c.GetProperty("valid").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(VectorCases))]
    public void VectorCase(int index, string input)
    {
        using JsonDocument doc = TestVectors.Load(VectorFile);
        JsonElement testCase = doc.RootElement.GetProperty("cases")[index];
        Assert.Equal(input, testCase.GetProperty("input").GetString());
        bool valid = testCase.GetProperty("valid").GetBoolean();
        bool isRecord = input.StartsWith("enr:", StringComparison.Ordinal);

        if (isRecord)
        {
            // Valid or not, a node record is refused until ENR support exists.
            string error = AssertRejected(input);
            Assert.Contains("ENR records", error, StringComparison.Ordinal);
            Assert.Contains("not supported yet", error, StringComparison.Ordinal);
            return;
        }

        if (!valid)
        {
            string error = AssertRejected(input);
            if (testCase.TryGetProperty("expectedError", out JsonElement expectedError))
            {
                Assert.Contains(expectedError.GetString()!, error, StringComparison.Ordinal);
            }

            return;
        }

        JsonElement expected = testCase.GetProperty("expected");
        EnodeUrl url = EnodeUrl.Parse(input);
        Assert.Equal(expected.GetProperty("publicKey").GetString(), url.PublicKey.ToHex());
        Assert.Equal(expected.GetProperty("nodeId").GetString(), url.Id.ToString());
        Assert.Equal(expected.GetProperty("tcp").GetInt32(), url.TcpPort);
        Assert.Equal(expected.GetProperty("udp").GetInt32(), url.UdpPort);
        Assert.Equal(expected.GetProperty("hostname").GetString(), url.Hostname);

        string? ip = expected.GetProperty("ip").GetString();
        if (ip is null)
        {
            Assert.Null(url.Ip);
            Assert.Null(url.TcpEndPoint);
        }
        else
        {
            Assert.Equal(IPAddress.Parse(ip), url.Ip);
            Assert.Equal(new IPEndPoint(IPAddress.Parse(ip), url.TcpPort), url.TcpEndPoint);
        }

        Assert.Equal(ip is not null || url.Hostname is not null, url.HasAddress);

        if (testCase.TryGetProperty("stringRoundTrip", out JsonElement roundTrip) && roundTrip.GetBoolean())
        {
            Assert.Equal(input, url.ToString());
        }

        // Whatever the vector says about the exact text, formatting must parse back to the same node.
        Assert.Equal(url, EnodeUrl.Parse(url.ToString()));
        Assert.True(EnodeUrl.TryParse(input, out EnodeUrl? again, out string? noError));
        Assert.Null(noError);
        Assert.Equal(url, again);
    }

    /// <summary>Checks that Parse throws and TryParse fails with the same message; returns it.</summary>
    private static string AssertRejected(string input)
    {
        FormatException thrown = Assert.Throws<FormatException>(() => EnodeUrl.Parse(input));
        Assert.False(EnodeUrl.TryParse(input, out EnodeUrl? url, out string? error));
        Assert.Null(url);
        Assert.Equal(thrown.Message, error);
        return error;
    }
}
