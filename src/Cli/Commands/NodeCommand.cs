using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Devp2p.Cli.FooBar;
using Devp2p.Cli.Logging;
using Devp2p.Crypto;
using Devp2p.Enode;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Microsoft.Extensions.Logging;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p node</c>: runs a Server on embedded defaults. The data directory (default
/// <c>~/.devp2p</c>, or <c>./devp2p-data</c> when there is no home directory) holds the node key
/// (<c>nodekey</c>, generated on first start, mode 0600), the Unix socket for local peers
/// (<c>p2p.sock</c>) and the IPC endpoint of the JSON-RPC API (<c>devp2p.ipc</c>, geth's admin, net
/// and web3 methods; a named pipe <c>\\.\pipe\devp2p.ipc</c> on Windows; <c>--ipcpath</c> and
/// <c>--ipcdisable</c> as in geth). TCP listens on 0.0.0.0:30303; the foo/bar example protocol runs
/// on every peer; there are no bootnodes and no discovery. Ctrl-C or SIGTERM stops the node
/// cleanly: the IPC endpoint closes (its file is removed) and every peer is sent "client quitting".
/// </summary>
internal static class NodeCommand
{
    /// <summary>geth's <c>--verbosity</c> default: info.</summary>
    private const int DefaultVerbosity = 3;

    /// <summary>geth's <c>--maxpeers</c> default.</summary>
    private const int DefaultMaxPeers = 50;

    private const string DefaultListen = "0.0.0.0:30303";
    private const string NodeKeyFileName = "nodekey";
    private const string UnixSocketFileName = "p2p.sock";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "TCP listen address, ip:port or :port (port 0 picks a free port).",
            DefaultValueFactory = _ => DefaultListen,
        };
        var dataDir = new Option<string?>("--datadir")
        {
            Description = "Data directory for the node key and the Unix socket (default ~/.devp2p).",
        };
        var nodeKey = new Option<string?>("--nodekey")
        {
            Description = "Node key file (64 hex digits); default <datadir>/nodekey, generated on first start.",
        };
        var maxPeers = new Option<int>("--maxpeers")
        {
            Description = "Maximum number of peers.",
            DefaultValueFactory = _ => DefaultMaxPeers,
        };
        var staticNodes = ListOption("--static", "Static nodes: enode URLs to keep connected (comma-separated or repeated).");
        var trustedNodes = ListOption("--trusted", "Trusted nodes: enode URLs admitted above --maxpeers (comma-separated or repeated).");
        var netRestrict = ListOption("--netrestrict", "Connect only to these networks: CIDR masks such as 10.0.0.0/8 (comma-separated or repeated).");
        var noDial = new Option<bool>("--nodial")
        {
            Description = "Do not dial any node (static nodes included); only accept connections.",
        };
        var name = new Option<string?>("--name")
        {
            Description = "Client name sent in Hello (default devp2p-cs/v<version>/<os>-<arch>/dotnet<version>).",
        };
        var verbosity = new Option<int>("--verbosity")
        {
            Description = "Log level: 0 silent, 1 error, 2 warn, 3 info, 4 debug, 5 trace.",
            DefaultValueFactory = _ => DefaultVerbosity,
        };
        var extIp = new Option<string?>("--extip")
        {
            Description = "External IP to advertise in the enode URL (geth's --nat extip:<ip>).",
        };
        var ipcPath = new Option<string>("--ipcpath")
        {
            Description = "Filename for the IPC socket/pipe within the datadir (explicit paths escape it).",
            DefaultValueFactory = _ => IpcAddress.DefaultFileName,
        };
        var ipcDisable = new Option<bool>("--ipcdisable")
        {
            Description = "Disable the IPC-RPC server.",
        };

        var command = new Command("node", "Run a devp2p node: TCP on 0.0.0.0:30303, a Unix socket in the data directory, the foo/bar example protocol.")
        {
            listen, dataDir, nodeKey, maxPeers, staticNodes, trustedNodes, netRestrict, noDial, name, verbosity, extIp, ipcPath, ipcDisable,
        };
        command.SetAction(parseResult => Run(new Settings
        {
            Listen = parseResult.GetValue(listen) ?? DefaultListen,
            DataDir = parseResult.GetValue(dataDir),
            NodeKey = parseResult.GetValue(nodeKey),
            MaxPeers = parseResult.GetValue(maxPeers),
            Static = SplitList(parseResult.GetValue(staticNodes)),
            Trusted = SplitList(parseResult.GetValue(trustedNodes)),
            NetRestrict = SplitList(parseResult.GetValue(netRestrict)),
            NoDial = parseResult.GetValue(noDial),
            Name = parseResult.GetValue(name),
            Verbosity = parseResult.GetValue(verbosity),
            ExtIp = parseResult.GetValue(extIp),
            IpcPath = parseResult.GetValue(ipcPath) ?? IpcAddress.DefaultFileName,
            IpcDisable = parseResult.GetValue(ipcDisable),
        }));
        return command;
    }

    private static Option<string[]> ListOption(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static string[] SplitList(string[]? values) =>
        values is null ? [] : values.SelectMany(static v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private static int Run(Settings settings)
    {
        using var logs = new ConsoleLoggerFactory(ConsoleLoggerFactory.FromVerbosity(settings.Verbosity));
        ILogger log = logs.CreateLogger("devp2p.node");

        // A quick check that libsecp256k1 loads and the hash/cipher paths give reference answers.
        foreach (CryptoSelfTest.Result result in CryptoSelfTest.Run())
        {
            if (!result.Passed)
            {
                return Fail($"crypto self-test failed: {result.Name}: {result.Detail}");
            }

            log.LogDebug("crypto self-test: {Name} ok ({Detail})", result.Name, result.Detail);
        }

        ServerConfig config;
        PrivateKey key;
        EndPoint? ipcEndPoint;
        try
        {
            string dataDir = settings.DataDir ?? DefaultDataDir();
            CreateDataDir(dataDir);
            ipcEndPoint = settings.IpcDisable ? null : ResolveIpcPath(dataDir, settings.IpcPath);
            string keyPath = settings.NodeKey ?? Path.Combine(dataDir, NodeKeyFileName);
            if (settings.NodeKey is not null)
            {
                key = NodeKeyFile.Load(keyPath);
            }
            else
            {
                key = NodeKeyFile.LoadOrCreate(keyPath, out bool created);
                if (created)
                {
                    log.LogInformation("Generated a new node key in {Path}", keyPath);
                }
            }

            config = new ServerConfig
            {
                PrivateKey = key,
                Name = settings.Name ?? DefaultName(),
                MaxPeers = settings.MaxPeers,
                ListenAddr = settings.Listen,
                UnixSocketPath = Path.Combine(dataDir, UnixSocketFileName),
                Protocols = [FooBarProtocol.Create(logs.CreateLogger("devp2p.foobar"))],
                StaticNodes = settings.Static.Select(static s => ParseNode(s, "--static")).ToArray(),
                TrustedNodes = settings.Trusted.Select(static s => ParseNode(s, "--trusted")).ToArray(),
                NetRestrict = settings.NetRestrict.Length == 0 ? null : settings.NetRestrict.Select(ParseNetwork).ToArray(),
                NoDial = settings.NoDial,
                NoDiscovery = true,
                ExternalAddress = settings.ExtIp is null ? null : ParseIp(settings.ExtIp),
                LoggerFactory = logs,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or NativeLibraryMissingException)
        {
            return Fail(WithoutParameter(e));
        }

        using (key)
        {
            return RunServerAsync(config, ipcEndPoint, logs, log).GetAwaiter().GetResult();
        }
    }

    private static async Task<int> RunServerAsync(ServerConfig config, EndPoint? ipcEndPoint, ILoggerFactory logs, ILogger log)
    {
        using var stop = new CancellationTokenSource();
        int signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            // The first signal stops the node cleanly; a second one lets the runtime terminate it.
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }

        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var server = new Server(config);
        try
        {
            await server.StartAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM during start-up.
            return 1;
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            string hint = e is ArgumentException { ParamName: nameof(ServerConfig.UnixSocketPath) } ? " Use a shorter --datadir." : "";
            return Fail(WithoutParameter(e) + hint);
        }

        var registry = new RpcMethodRegistry();
        NodeRpcApi.Register(registry, server);
        await using var rpc = new RpcServer(registry, logger: logs.CreateLogger("devp2p.rpc"));
        IpcEndpoint? ipc = null;
        if (ipcEndPoint is not null)
        {
            try
            {
                ipc = await IpcEndpoint.StartAsync(rpc, ipcEndPoint, logger: logs.CreateLogger("devp2p.ipc"), cancellationToken: stop.Token);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // As geth, a node whose IPC endpoint cannot open does not run.
                await server.StopAsync(CancellationToken.None);
                return Fail($"cannot open the IPC endpoint {IpcAddress.Format(ipcEndPoint)}: {WithoutParameter(e)} Use --ipcpath, or --ipcdisable.");
            }
        }

        Console.Out.WriteLine(server.Self.ToString());
        log.LogInformation(
            "Node running: name={Name} tcp={Listen} unix={Unix} ipc={Ipc} maxpeers={MaxPeers}",
            config.Name,
            server.ListenAddr,
            config.UnixSocketPath,
            ipc?.Address ?? "disabled",
            config.MaxPeers);
        Task watch = LogPeersAsync(server, log);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            log.LogInformation("Stopping: disconnecting {Count} peers", server.PeerCount);
        }

        // The endpoint first, so no call arrives for a server that is going away.
        if (ipc is not null)
        {
            await ipc.DisposeAsync();
        }

        await rpc.StopAsync(CancellationToken.None);
        await server.StopAsync(CancellationToken.None);
        await watch;
        return 0;
    }

    /// <summary>Logs peer connects and drops at Info from the server's event stream; ends when the server stops.</summary>
    private static async Task LogPeersAsync(Server server, ILogger log)
    {
        await foreach (PeerEvent e in server.ReadEventsAsync(cancellationToken: CancellationToken.None))
        {
            if (e.Type == PeerEventType.Add)
            {
                Peer? peer = server.Peers.FirstOrDefault(p => p.Id == e.Peer);
                log.LogInformation("Peer connected: id={Id} addr={Remote} name={Name}", e.Peer.TerminalString(), e.RemoteAddress ?? "local", peer?.Name ?? "?");
            }
            else if (e.Type == PeerEventType.Drop)
            {
                log.LogInformation("Peer disconnected: id={Id} addr={Remote} reason={Reason} peers={Count}", e.Peer.TerminalString(), e.RemoteAddress ?? "local", e.Error, server.PeerCount);
            }
        }
    }

    private static EnodeUrl ParseNode(string text, string option)
    {
        if (!EnodeUrl.TryParse(text, out EnodeUrl? node, out string? error))
        {
            throw new FormatException($"{option}: {error}");
        }

        return node;
    }

    private static IPNetwork ParseNetwork(string text) =>
        IPNetwork.TryParse(text, out IPNetwork network)
            ? network
            : throw new FormatException($"--netrestrict: \"{text}\" is not a CIDR mask such as 10.0.0.0/8.");

    private static IPAddress ParseIp(string text) =>
        IPAddress.TryParse(text, out IPAddress? ip)
            ? ip
            : throw new FormatException($"--extip: \"{text}\" is not an IP address.");

    /// <summary>
    /// Resolves <c>--ipcpath</c> as geth does: a bare file name lives in the data directory, an
    /// explicit path is used as it is, and on Windows the name is a named pipe.
    /// </summary>
    private static EndPoint ResolveIpcPath(string dataDir, string ipcPath)
    {
        try
        {
            return IpcAddress.ForDataDir(dataDir, ipcPath);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"IPC endpoint: {WithoutParameter(e)} Use a shorter --datadir or --ipcpath, or --ipcdisable.", e);
        }
    }

    /// <summary>The data directory when <c>--datadir</c> is not given: <c>~/.devp2p</c>, or <c>./devp2p-data</c> without a home directory.</summary>
    internal static string DefaultDataDir()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.GetFullPath("devp2p-data") : Path.Combine(home, ".devp2p");
    }

    private static void CreateDataDir(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // Owner only: it holds the node key.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string DefaultName()
    {
        Version? version = typeof(NodeCommand).Assembly.GetName().Version;
        string os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return string.Create(CultureInfo.InvariantCulture, $"devp2p-cs/v{version?.ToString(3) ?? "0.0.0"}/{os}-{arch}/dotnet{Environment.Version}");
    }

    /// <summary>The message without the " (Parameter 'x')" suffix the runtime appends to argument exceptions.</summary>
    internal static string WithoutParameter(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"node: {message}");
        return 1;
    }

    /// <summary>The parsed command line.</summary>
    private sealed class Settings
    {
        public required string Listen { get; init; }

        public string? DataDir { get; init; }

        public string? NodeKey { get; init; }

        public int MaxPeers { get; init; }

        public required string[] Static { get; init; }

        public required string[] Trusted { get; init; }

        public required string[] NetRestrict { get; init; }

        public bool NoDial { get; init; }

        public string? Name { get; init; }

        public int Verbosity { get; init; }

        public string? ExtIp { get; init; }

        public required string IpcPath { get; init; }

        public bool IpcDisable { get; init; }
    }
}
