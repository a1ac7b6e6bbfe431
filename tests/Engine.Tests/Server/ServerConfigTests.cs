using System.Net;
using System.Text.Json;
using Devp2p.Crypto;
using Devp2p.Enode;
using Xunit;

namespace Devp2p.Engine.Tests.Servers;

public sealed class ServerConfigTests
{
    public static TheoryData<string, Func<ServerConfig, ServerConfig>> InvalidConfigs() => new()
    {
        { "MaxPeers", static c => c with { MaxPeers = 0 } },
        { "MaxPendingPeers", static c => c with { MaxPendingPeers = -1 } },
        { "DialRatio", static c => c with { DialRatio = 0 } },
        { "ListenAddr", static c => c with { ListenAddr = "localhost:30303" } },
        { "ListenAddr", static c => c with { ListenAddr = "127.0.0.1" } },
        { "HandshakeTimeout", static c => c with { HandshakeTimeout = TimeSpan.Zero } },
        { "DialTimeout", static c => c with { DialTimeout = TimeSpan.FromSeconds(-1) } },
        { "RedialInterval", static c => c with { RedialInterval = TimeSpan.Zero } },
        { "MaxRedialInterval", static c => c with { RedialInterval = TimeSpan.FromSeconds(10), MaxRedialInterval = TimeSpan.FromSeconds(1) } },
        { "StaticNodes", static c => c with { StaticNodes = [null!] } },
        { "Protocols", static c => c with { Protocols = [ServerTestKit.Hold(), ServerTestKit.Hold()] } },
        { "Protocols", static c => c with { Protocols = [new Protocol { Name = "x", Version = 1, Length = 0, Run = static (_, _, _) => Task.CompletedTask }] } },
        { "UnixSocketPath", static c => c with { UnixSocketPath = "" } },
        { "ExternalAddress", static c => c with { ExternalAddress = IPAddress.Parse("fe80::1%2") } },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public async Task Invalid_config_fails_start_naming_the_field(string field, Func<ServerConfig, ServerConfig> breakIt)
    {
        using var key = PrivateKey.Generate();
        await using var server = new Server(breakIt(ServerTestKit.Config(key)));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync());

        Assert.Contains("ServerConfig." + field, error.Message, StringComparison.Ordinal);
        Assert.Equal(field, error.ParamName);
        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task Missing_private_key_is_a_clear_error()
    {
        await using var server = new Server(new ServerConfig { ListenAddr = "127.0.0.1:0" });

        var error = Assert.Throws<ArgumentException>(server.Start);

        Assert.StartsWith("ServerConfig.PrivateKey is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_peers_message_says_what_is_allowed()
    {
        using var key = PrivateKey.Generate();
        await using var server = new Server(ServerTestKit.Config(key) with { MaxPeers = 0 });

        var error = Assert.Throws<ArgumentException>(server.Start);

        Assert.StartsWith("ServerConfig.MaxPeers must be > 0 (was 0).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_starts_once()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(cts.Token));
        await server.StopAsync(cts.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(cts.Token));
    }

    [Fact]
    public async Task Listen_port_zero_reports_the_real_port_everywhere()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key), cts.Token);

        int port = server.ListenEndPoint!.Port;
        Assert.NotEqual(0, port);
        Assert.Equal($"127.0.0.1:{port}", server.ListenAddr);
        Assert.Equal(port, server.Self.TcpPort);
        Assert.Equal(port, server.NodeInfo().Ports.Listener);
        Assert.Equal(server.ListenAddr, server.NodeInfo().ListenAddr);

        // The port is real: a client reaches the server there.
        using var clientKey = PrivateKey.Generate();
        Peer client = await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(clientKey), cts.Token);
        Assert.Equal(key.PublicKey, client.PublicKey);
        client.Disconnect(DiscReason.Requested);
        await client.Completion.WaitAsync(cts.Token);
    }

    [Fact]
    public async Task Self_advertises_the_external_address_and_the_listen_port()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { ExternalAddress = IPAddress.Parse("203.0.113.7"), NoDiscovery = false };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

        int port = server.ListenEndPoint!.Port;
        Assert.Equal($"enode://{key.PublicKey.ToHex()}@203.0.113.7:{port}", server.Self.ToString());
        Assert.Equal(EnodeUrl.Parse(server.Self.ToString()), server.Self);
        NodeInfo info = server.NodeInfo();
        Assert.Equal("203.0.113.7", info.Ip);
        Assert.Equal(port, info.Ports.Discovery);
    }

    [Fact]
    public async Task Self_without_external_address_on_every_interface_is_loopback_and_nodiscover_gives_discport_zero()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        await using Server server = await ServerTestKit.StartAsync(ServerTestKit.Config(key) with { ListenAddr = "0.0.0.0:0" }, cts.Token);

        int port = server.ListenEndPoint!.Port;
        Assert.Equal($"enode://{key.PublicKey.ToHex()}@127.0.0.1:{port}?discport=0", server.Self.ToString());
        Assert.Equal($"0.0.0.0:{port}", server.ListenAddr);
    }

    [Fact]
    public void Self_before_start_is_the_key_at_zero_address()
    {
        using var key = PrivateKey.Generate();
        var server = new Server(ServerTestKit.Config(key));

        Assert.Equal($"enode://{key.PublicKey.ToHex()}@0.0.0.0:0", server.Self.ToString());
    }

    [Fact]
    public async Task NodeInfo_has_go_ethereums_json_shape()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        var withInfo = new Protocol
        {
            Name = "info",
            Version = 2,
            Length = 1,
            Run = static (_, _, ct) => Task.Delay(Timeout.Infinite, ct),
            NodeInfo = static () => new Dictionary<string, int> { ["network"] = 7 },
        };
        var config = ServerTestKit.Config(key, ServerTestKit.Hold(), withInfo) with { Name = "shape-test" };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);

        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(server.NodeInfo()));
        JsonElement root = json.RootElement;

        Assert.Equal(
            new[] { "id", "name", "enode", "ip", "ports", "listenAddr", "protocols" },
            root.EnumerateObject().Select(static p => p.Name).ToArray());
        Assert.Equal(NodeId.FromPublicKey(key.PublicKey).ToString(), root.GetProperty("id").GetString());
        Assert.Equal("shape-test", root.GetProperty("name").GetString());
        Assert.Equal(server.Self.ToString(), root.GetProperty("enode").GetString());
        Assert.Equal("127.0.0.1", root.GetProperty("ip").GetString());
        Assert.Equal(0, root.GetProperty("ports").GetProperty("discovery").GetInt32());
        Assert.Equal(server.ListenEndPoint!.Port, root.GetProperty("ports").GetProperty("listener").GetInt32());
        Assert.Equal(server.ListenAddr, root.GetProperty("listenAddr").GetString());
        Assert.Equal("unknown", root.GetProperty("protocols").GetProperty("hold").GetString());
        Assert.Equal(7, root.GetProperty("protocols").GetProperty("info").GetProperty("network").GetInt32());
    }

    [Fact]
    public async Task PeersInfo_is_sorted_by_id_in_go_ethereums_json_shape()
    {
        using var cts = ServerTestKit.Timeout();
        using var key = PrivateKey.Generate();
        using var trustedKey = PrivateKey.Generate();
        using var otherKey = PrivateKey.Generate();
        var config = ServerTestKit.Config(key) with { TrustedNodes = [new EnodeUrl(trustedKey.PublicKey)] };
        await using Server server = await ServerTestKit.StartAsync(config, cts.Token);
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(trustedKey), cts.Token);
        await ServerTestKit.ConnectClientAsync(server, ServerTestKit.ClientOptions(otherKey), cts.Token);
        await ServerTestKit.WaitUntilAsync(() => server.PeerCount == 2, "both peers are added", cts.Token);

        IReadOnlyList<PeerInfo> infos = server.PeersInfo();
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(infos));

        string[] ids = json.RootElement.EnumerateArray().Select(static e => e.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(ids.Order(StringComparer.Ordinal).ToArray(), ids);
        JsonElement trusted = json.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == NodeId.FromPublicKey(trustedKey.PublicKey).ToString());
        Assert.Equal(
            new[] { "enode", "id", "name", "caps", "network", "protocols" },
            trusted.EnumerateObject().Select(static p => p.Name).ToArray());
        Assert.True(trusted.GetProperty("network").GetProperty("trusted").GetBoolean());
        Assert.True(trusted.GetProperty("network").GetProperty("inbound").GetBoolean());
        Assert.False(trusted.GetProperty("network").GetProperty("static").GetBoolean());
        Assert.Equal("client/" + trustedKey.PublicKey.ToHex()[..6], trusted.GetProperty("name").GetString());
        Assert.Equal("unknown", trusted.GetProperty("protocols").GetProperty("hold").GetString());
    }
}
