using System.CommandLine;
using System.Net;
using Devp2p.Cli.Attach;
using Devp2p.Ipc;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p attach [endpoint]</c>: connects to a node's IPC endpoint (by default
/// <c>&lt;datadir&gt;/devp2p.ipc</c>, where <c>devp2p node</c> serves geth's admin, net and web3
/// methods) and runs calls typed at a prompt, piped in, or given with <c>--exec</c>. The endpoint
/// may be a Unix socket path, a named pipe (<c>\\.\pipe\devp2p.ipc</c>) or <c>tcp://host:port</c>.
/// </summary>
internal static class AttachCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var endpoint = new Argument<string?>("endpoint")
        {
            Description = "IPC endpoint: a socket path, \\\\.\\pipe\\<name>, or tcp://host:port (default <datadir>/devp2p.ipc).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var dataDir = new Option<string?>("--datadir")
        {
            Description = "Data directory of the node, whose devp2p.ipc is used when no endpoint is given (default ~/.devp2p).",
        };
        var exec = new Option<string?>("--exec")
        {
            Description = "Run one call, as '<method> [params...]' (for example 'admin_addPeer \"enode://...\"'), print its result and exit: 0 on success, 1 on an error.",
        };

        var command = new Command("attach", "Attach to a running node's IPC endpoint: an interactive console for admin_*, net_* and web3_* calls, or one call with --exec.")
        {
            endpoint, dataDir, exec,
        };
        command.SetAction(parseResult => Run(parseResult.GetValue(endpoint), parseResult.GetValue(dataDir), parseResult.GetValue(exec)));
        return command;
    }

    private static int Run(string? endpointText, string? dataDir, string? exec) =>
        RunAsync(endpointText, dataDir, exec).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string? endpointText, string? dataDir, string? exec)
    {
        EndPoint endPoint;
        try
        {
            endPoint = AttachEndpoint.Resolve(endpointText, dataDir);
        }
        catch (FormatException e)
        {
            return Fail(e.Message);
        }

        using var quit = new CancellationTokenSource();
        AttachSession? session = null;
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            // Ctrl-C stops what runs; at the prompt (nothing running) it ends the tool as usual.
            if (Volatile.Read(ref session)?.CancelCurrent() == true)
            {
                e.Cancel = true;
            }
            else if (!quit.IsCancellationRequested)
            {
                quit.Cancel();
                e.Cancel = exec is not null;
            }
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            RpcClient client;
            try
            {
                client = await AttachEndpoint.ConnectAsync(endPoint, quit.Token);
            }
            catch (IOException e)
            {
                return Fail(e.Message);
            }
            catch (OperationCanceledException)
            {
                return 1;
            }

            await using (client)
            {
                Volatile.Write(ref session, new AttachSession(client, Console.Out, Console.Error));
                try
                {
                    if (exec is not null)
                    {
                        return await session.ExecuteAsync(exec, quit.Token) ? 0 : 1;
                    }

                    return await session.RunAsync(Console.In, interactive: !Console.IsInputRedirected, quit.Token);
                }
                catch (IOException e)
                {
                    return Fail($"connection lost: {e.Message}");
                }
                catch (OperationCanceledException) when (quit.IsCancellationRequested)
                {
                    return exec is null ? 0 : 1;
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"attach: {message}");
        return 1;
    }
}
