using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Framing.Rlpx;
using Devp2p.Transports;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p rlpx ping &lt;enode&gt;</c>: dial a node, run the RLPx handshake and the Hello exchange,
/// print the remote's Hello and the round trip of a base-protocol Ping, then disconnect with
/// DiscRequested. Failures print one line and exit 1.
/// </summary>
internal static class RlpxCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create() => new("rlpx", "Talk RLPx to a node.") { CreatePing() };

    private static Command CreatePing()
    {
        var enode = new Argument<string>("enode") { Description = "The node: enode://<128 hex>@ip:port." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds for each step (connect, handshake, Hello, Ping).", DefaultValueFactory = _ => 5 };
        var caps = new Option<string[]>("--cap")
        {
            Description = "A capability to advertise, name/version (repeatable), so nodes that drop peers without a shared protocol (geth) keep us long enough to answer the Ping.",
            AllowMultipleArgumentsPerToken = true,
        };
        var nodeKey = new Option<string?>("--nodekey") { Description = "A key file to dial with (64 hex digits); a fresh key by default." };
        var command = new Command("ping", "Dial a node, print its Hello and the round trip of a Ping, then disconnect.")
        {
            enode, timeout, caps, nodeKey,
        };
        command.SetAction((parse, ct) => PingAsync(parse.GetValue(enode)!, TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(caps) ?? [], parse.GetValue(nodeKey), ct));
        return command;
    }

    private static async Task<int> PingAsync(string target, TimeSpan timeout, string[] capTexts, string? nodeKeyFile, CancellationToken ct)
    {
        EnodeUrl url;
        List<Protocol> protocols;
        try
        {
            url = EnodeUrl.Parse(target);
            protocols = capTexts.Select(ParseCap).ToList();
        }
        catch (FormatException e)
        {
            return Fail(e.Message);
        }

        if (url.TcpEndPoint is not IPEndPoint endPoint || url.TcpPort == 0)
        {
            return Fail("the enode URL has no IP address and TCP port to dial");
        }

        PrivateKey key;
        try
        {
            key = nodeKeyFile is null ? PrivateKey.Generate() : NodeKeyFile.Load(nodeKeyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return Fail($"--nodekey {nodeKeyFile}: {NodeCommand.WithoutParameter(e)}");
        }

        using var keyLifetime = key;
        var options = new PeerOptions
        {
            PrivateKey = key,
            Name = "devp2p-cs/rlpx-ping",
            Protocols = protocols,
            HandshakeTimeout = timeout,
        };

        Peer peer;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(timeout);
            TransportConnection connection;
            try
            {
                connection = await new SocketTransportDialer().ConnectAsync(endPoint, connectTimeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Fail($"timeout: no TCP connection to {endPoint} within {timeout.TotalSeconds:0.#} s");
            }

            peer = await Peer.ConnectAsync(connection, options, url.PublicKey, ct);
        }
        catch (Exception e) when (e is SocketException or IOException && e is not PeerDisconnectedException && e is not EndOfStreamException)
        {
            return Fail($"cannot connect to {endPoint}: {e.Message}");
        }
        catch (EndOfStreamException e)
        {
            return Fail($"handshake failed: {e.Message} (is the node key in the enode URL right?)");
        }
        catch (HandshakeException e)
        {
            return Fail($"handshake failed: {e.Message}");
        }
        catch (TimeoutException e)
        {
            return Fail($"timeout: {e.Message}");
        }
        catch (PeerDisconnectedException e)
        {
            return Fail(DescribeDisconnect(e));
        }

        Hello hello = peer.RemoteHello;
        Console.WriteLine($"remote:   {url}");
        Console.WriteLine($"client:   {hello.ClientName}");
        Console.WriteLine($"version:  {hello.ProtocolVersion}");
        Console.WriteLine($"caps:     {(hello.Caps.IsEmpty ? "(none)" : string.Join(", ", hello.Caps))}");
        Console.WriteLine($"port:     {hello.ListenPort}");
        Console.WriteLine($"id:       {peer.Id}");
        Console.WriteLine($"pubkey:   {hello.NodeId.ToHex()}");
        try
        {
            using var pingTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            pingTimeout.CancelAfter(timeout);
            TimeSpan rtt = await peer.PingAsync(pingTimeout.Token);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rtt:      {rtt.TotalMilliseconds:0.000} ms"));
        }
        catch (PeerDisconnectedException e)
        {
            return Fail(DescribeDisconnect(e));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            peer.Disconnect(DiscReason.Requested);
            await peer.Completion;
            return Fail($"timeout: no Pong within {timeout.TotalSeconds:0.#} s");
        }

        peer.Disconnect(DiscReason.Requested);
        await peer.Completion;
        return 0;
    }

    private static string DescribeDisconnect(PeerDisconnectedException e)
    {
        string reason = $"{e.Reason.ToText()} (0x{(byte)e.Reason:x2})";
        if (e.RequestedByRemote)
        {
            return $"the remote disconnected: {reason}";
        }

        return e.Reason == DiscReason.UnexpectedIdentity
            ? $"identity mismatch: {e.InnerException?.Message}"
            : $"disconnected: {reason}{(e.InnerException is null ? "" : ": " + e.InnerException.Message)}";
    }

    private static Protocol ParseCap(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint version))
        {
            throw new FormatException($"--cap {text}: expected name/version, for example eth/68");
        }

        return new Protocol
        {
            Name = parts[0],
            Version = version,
            Length = 1,
            Run = static (_, _, ct) => Task.Delay(Timeout.Infinite, ct),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("rlpx ping: " + message);
        return 1;
    }
}
