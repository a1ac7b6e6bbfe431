using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using Devp2p.Crypto;
using Devp2p.Enode;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p key</c>: node keys in go-ethereum's nodekey format (64 hex digits of the secp256k1
/// secret). <c>key generate</c> writes a new one, <c>key to-id</c> prints the node ID of one,
/// <c>key to-enode</c> its enode URL at a given address.
/// </summary>
internal static class KeyCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("key", "Generate node keys and derive node IDs (go-ethereum nodekey format: 64 hex digits).")
        {
            CreateGenerate(),
            CreateToId(),
            CreateToEnode(),
        };
        return command;
    }

    private static Command CreateGenerate()
    {
        var file = new Argument<string?>("file")
        {
            Description = "Where to write the key (created with mode 0600). Without it, or with -, the key is printed to standard output.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Replace the file if it exists.",
        };
        var command = new Command(
            "generate",
            "Generate a new secp256k1 node key and write it as 64 lowercase hex digits and a newline.")
        {
            file,
            force,
        };
        command.SetAction(parseResult => RunGenerate(parseResult.GetValue(file), parseResult.GetValue(force)));
        return command;
    }

    private static Command CreateToId()
    {
        var file = new Argument<string>("keyfile")
        {
            Description = "The key file (64 hex digits, optional 0x prefix and surrounding whitespace), or - for standard input.",
        };
        var command = new Command("to-id", "Print the node ID of a key: keccak256 of its 64-byte public key, as hex.")
        {
            file,
        };
        command.SetAction(parseResult => RunToId(parseResult.GetValue(file)!));
        return command;
    }

    private static Command CreateToEnode()
    {
        var file = new Argument<string>("keyfile")
        {
            Description = "The key file (64 hex digits, optional 0x prefix and surrounding whitespace), or - for standard input.",
        };
        var ip = new Option<string>("--ip")
        {
            Description = "The node's IP address.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var tcp = new Option<int>("--tcp")
        {
            Description = "The RLPx (TCP) listening port.",
            DefaultValueFactory = _ => 30303,
        };
        var udp = new Option<int?>("--udp")
        {
            Description = "The discovery (UDP) port; the TCP port when omitted.",
        };
        var command = new Command("to-enode", "Print the enode URL of a key at an address: enode://<public key>@ip:tcp[?discport=udp].")
        {
            file,
            ip,
            tcp,
            udp,
        };
        command.SetAction(parseResult => RunToEnode(
            parseResult.GetValue(file)!,
            parseResult.GetValue(ip) ?? "127.0.0.1",
            parseResult.GetValue(tcp),
            parseResult.GetValue(udp)));
        return command;
    }

    private static int RunGenerate(string? path, bool force)
    {
        // The secret exists in managed memory only in this stack buffer, which is zeroed at the end.
        Span<byte> line = stackalloc byte[NodeKeyFile.LineLength];
        try
        {
            using (PrivateKey key = PrivateKey.Generate())
            {
                NodeKeyFile.FormatLine(key, line);
            }

            if (path is null || path == NodeKeyFile.StdioMarker)
            {
                using Stream stdout = Console.OpenStandardOutput();
                stdout.Write(line);
                return 0;
            }

            return WriteKeyFile(path, line, force);
        }
        catch (NativeLibraryMissingException e)
        {
            return Fail("generate", e.Message);
        }
        catch (IOException e)
        {
            // Only the standard output path gets here; WriteKeyFile reports its own errors.
            return Fail("generate", $"cannot write the key: {e.Message}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(line);
        }
    }

    private static int WriteKeyFile(string path, ReadOnlySpan<byte> content, bool force)
    {
        string? temporary = null;
        try
        {
            if (!force)
            {
                // CreateNew makes the existence check and the creation one atomic step.
                NodeKeyFile.WriteNew(path, content);
                return 0;
            }

            // Write a fresh 0600 file beside the target and rename it over: the key never sits in
            // a file with the old file's (possibly wider) permissions, and readers never see half a key.
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            NodeKeyFile.WriteNew(temporary, content);
            File.Move(temporary, path, overwrite: true);
            temporary = null;
            return 0;
        }
        catch (IOException) when (!force && File.Exists(path))
        {
            return Fail("generate", $"{path} already exists; pass --force to replace it.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail("generate", $"cannot write {path}: {e.Message}");
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    private static int RunToId(string path) =>
        RunWithKey("to-id", path, static key => NodeId.FromPublicKey(key.PublicKey).ToString());

    private static int RunToEnode(string path, string ipText, int tcpPort, int? udpPort)
    {
        if (!IPAddress.TryParse(ipText, out IPAddress? ip))
        {
            return Fail("to-enode", $"--ip: \"{ipText}\" is not an IP address.");
        }

        int udp = udpPort ?? tcpPort;
        if (tcpPort is < 0 or > IPEndPoint.MaxPort || udp is < 0 or > IPEndPoint.MaxPort)
        {
            return Fail("to-enode", $"ports must be 0 to {IPEndPoint.MaxPort} (--tcp {tcpPort}, --udp {udp}).");
        }

        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && ip.ScopeId != 0)
        {
            return Fail("to-enode", $"--ip: {ipText} has a scope; an enode URL cannot carry one.");
        }

        return RunWithKey("to-enode", path, key => new EnodeUrl(key.PublicKey, ip, tcpPort, udp).ToString());
    }

    /// <summary>Reads the key file at <paramref name="path"/> and prints what <paramref name="describe"/> makes of the key; one-line errors.</summary>
    private static int RunWithKey(string subcommand, string path, Func<PrivateKey, string> describe)
    {
        byte[] raw;
        string source = path == NodeKeyFile.StdioMarker ? "standard input" : path;
        try
        {
            raw = NodeKeyFile.ReadBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(subcommand, $"cannot read {path}: no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail(subcommand, $"cannot read {source}: {e.Message}");
        }

        try
        {
            using PrivateKey key = NodeKeyFile.Parse(raw);
            Console.Out.WriteLine(describe(key));
            return 0;
        }
        catch (FormatException e)
        {
            return Fail(subcommand, $"{source} does not hold a private key: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // The scalar is zero or not below n.
            return Fail(subcommand, $"{source} does not hold a valid private key: {NodeCommand.WithoutParameter(e)}");
        }
        catch (NativeLibraryMissingException e)
        {
            return Fail(subcommand, e.Message);
        }
        catch (IOException e)
        {
            return Fail(subcommand, $"cannot write the output: {e.Message}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    private static int Fail(string subcommand, string message)
    {
        Console.Error.WriteLine($"key {subcommand}: {message}");
        return 1;
    }
}
