using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Transports;

namespace Devp2p.Bench.Engine;

/// <summary>
/// <c>vs-ethereumjs responder (--listen | --dial ENODE)</c>: our node serving <see cref="VsBenchProtocol"/>
/// in its own process, plus two raw TCP echo servers (plain sockets, no framing) for the round-trip
/// floor: one with async socket calls (<c>rawPort</c>, the style the engine uses) and one with a
/// blocking thread per connection (<c>rawBlockingPort</c>, the fewest wake-ups a plain socket needs).
/// Prints <c>{"event":"listening","enode":...,"rawPort":...,"rawBlockingPort":...}</c> first, as bench.mjs's responder does,
/// and exits when stdin closes. Listening, it serves any number of connections, one after another or
/// at once (the handshake run connects hundreds of times).
/// </summary>
internal static class VsResponder
{
    public static async Task<int> RunAsync(string[] args)
    {
        bool listen = args.Contains("--listen");
        int dialIndex = Array.IndexOf(args, "--dial");
        EnodeUrl? dial = dialIndex >= 0 && dialIndex + 1 < args.Length ? EnodeUrl.Parse(args[dialIndex + 1]) : null;
        if (listen == (dial is not null))
        {
            Console.Error.WriteLine("vs-ethereumjs responder: give --listen or --dial ENODE");
            return 2;
        }

        using var key = PrivateKey.Generate();
        using var cts = new CancellationTokenSource();
        var options = new PeerOptions { PrivateKey = key, Protocols = [VsBenchProtocol.Responder()], InlineDispatch = args.Contains("--inline") };

        await using var listener = new SocketTransportListener(new IPEndPoint(IPAddress.Loopback, 0));
        await listener.BindAsync(cts.Token);
        using Socket raw = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        raw.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        raw.Listen(16);
        using Socket rawBlocking = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        rawBlocking.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        rawBlocking.Listen(16);

        int port = ((IPEndPoint)listener.EndPoint).Port;
        var enode = new EnodeUrl(key.PublicKey, IPAddress.Loopback, port, port);
        Console.WriteLine(new JsonObject
        {
            ["event"] = "listening",
            ["enode"] = enode.ToString(),
            ["rawPort"] = ((IPEndPoint)raw.LocalEndPoint!).Port,
            ["rawBlockingPort"] = ((IPEndPoint)rawBlocking.LocalEndPoint!).Port,
        }.ToJsonString());
        Console.Out.Flush();

        Task accepting = AcceptLoopAsync(listener, options, cts.Token);
        Task rawEcho = RawEchoLoopAsync(raw, cts.Token);
        new Thread(() => BlockingEchoLoop(rawBlocking)) { IsBackground = true, Name = "raw blocking echo" }.Start();
        if (dial is not null)
        {
            TransportConnection connection = await new SocketTransportDialer().ConnectAsync(new IPEndPoint(dial.Ip!, dial.TcpPort), cts.Token);
            _ = ServeAsync(connection, options, dial.PublicKey);
        }

        // The parent closes our stdin to stop us.
        await Console.In.ReadToEndAsync(cts.Token);
        await cts.CancelAsync();
        return 0;
    }

    private static async Task AcceptLoopAsync(SocketTransportListener listener, PeerOptions options, CancellationToken ct)
    {
        try
        {
            while (await listener.AcceptAsync(ct) is { } connection)
            {
                _ = ServeAsync(connection, options, null);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static async Task ServeAsync(TransportConnection connection, PeerOptions options, PublicKey? dialDestination)
    {
        try
        {
            Peer peer = await Peer.ConnectAsync(connection, options, dialDestination);
            await peer.Completion;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"vs-ethereumjs responder: connection failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task RawEchoLoopAsync(Socket listener, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                Socket socket = await listener.AcceptAsync(ct);
                socket.NoDelay = true;
                _ = EchoAsync(socket, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static void BlockingEchoLoop(Socket listener)
    {
        try
        {
            while (true)
            {
                Socket socket = listener.Accept();
                socket.NoDelay = true;
                new Thread(() => BlockingEcho(socket)) { IsBackground = true, Name = "raw blocking echo connection" }.Start();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    private static void BlockingEcho(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = socket.Receive(buffer)) > 0)
                {
                    for (int sent = 0; sent < n;)
                    {
                        sent += socket.Send(buffer, sent, n - sent, SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
                // The driver closed its end.
            }
        }
    }

    private static async Task EchoAsync(Socket socket, CancellationToken ct)
    {
        using (socket)
        {
            byte[] buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                    if (n == 0)
                    {
                        return;
                    }

                    for (int sent = 0; sent < n;)
                    {
                        sent += await socket.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, ct);
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The driver closed its end.
            }
        }
    }
}
