using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text;
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
    /// <summary>The argument that means standard input or output.</summary>
    private const string StdioMarker = "-";

    /// <summary>Bytes of a secp256k1 secret key.</summary>
    private const int SecretLength = 32;

    /// <summary>Bytes of a public key as x || y, the input of the node ID hash.</summary>
    private const int PublicKeyLength = 64;

    /// <summary>
    /// A key file is 64 hex digits, a possible 0x and a newline; anything far larger is not a key
    /// file, and refusing it early avoids reading a large file by mistake.
    /// </summary>
    private const int MaxKeyFileBytes = 4096;

    /// <summary>The key file's alphabet; formatted by hand so the secret never becomes an immutable string.</summary>
    private const string LowerHexDigits = "0123456789abcdef";

    /// <summary>Owner read and write only: the file holds a secret.</summary>
    private const UnixFileMode KeyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

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
        // The secret exists in managed memory only in these stack buffers, which are zeroed at the end.
        Span<byte> secret = stackalloc byte[SecretLength];
        Span<byte> line = stackalloc byte[(2 * SecretLength) + 1];
        try
        {
            using (PrivateKey key = PrivateKey.Generate())
            {
                key.WriteTo(secret);
            }

            for (int i = 0; i < secret.Length; i++)
            {
                line[2 * i] = (byte)LowerHexDigits[secret[i] >> 4];
                line[(2 * i) + 1] = (byte)LowerHexDigits[secret[i] & 0xF];
            }

            line[^1] = (byte)'\n';

            if (path is null || path == StdioMarker)
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
            CryptographicOperations.ZeroMemory(secret);
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
                WriteNew(path, content);
                return 0;
            }

            // Write a fresh 0600 file beside the target and rename it over: the key never sits in
            // a file with the old file's (possibly wider) permissions, and readers never see half a key.
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            WriteNew(temporary, content);
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

    private static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = KeyFileMode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    private static int RunToId(string path)
    {
        byte[] raw;
        string source = path == StdioMarker ? "standard input" : path;
        try
        {
            raw = ReadKeyBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail("to-id", $"cannot read {path}: no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail("to-id", $"cannot read {source}: {e.Message}");
        }

        try
        {
            if (raw.Length > MaxKeyFileBytes)
            {
                return Fail("to-id", $"{source} is not a key file: it holds more than {MaxKeyFileBytes} bytes.");
            }

            using PrivateKey key = PrivateKey.FromHex(Encoding.ASCII.GetString(raw));
            Span<byte> publicKey = stackalloc byte[PublicKeyLength];
            key.PublicKey.WriteTo(publicKey);
            Span<byte> id = stackalloc byte[Keccak256.HashSize];
            Keccak256.Hash(publicKey, id);
            Console.Out.WriteLine(Convert.ToHexStringLower(id));
            return 0;
        }
        catch (FormatException e)
        {
            return Fail("to-id", $"{source} does not hold a private key: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // The scalar is zero or not below n; drop the parameter name the runtime appends.
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            return Fail("to-id", $"{source} does not hold a valid private key: {message}");
        }
        catch (NativeLibraryMissingException e)
        {
            return Fail("to-id", e.Message);
        }
        catch (IOException e)
        {
            return Fail("to-id", $"cannot write the output: {e.Message}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

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

        byte[] raw;
        string source = path == StdioMarker ? "standard input" : path;
        try
        {
            raw = ReadKeyBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail("to-enode", $"cannot read {path}: no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail("to-enode", $"cannot read {source}: {e.Message}");
        }

        try
        {
            if (raw.Length > MaxKeyFileBytes)
            {
                return Fail("to-enode", $"{source} is not a key file: it holds more than {MaxKeyFileBytes} bytes.");
            }

            using PrivateKey key = PrivateKey.FromHex(Encoding.ASCII.GetString(raw));
            Console.Out.WriteLine(new EnodeUrl(key.PublicKey, ip, tcpPort, udp).ToString());
            return 0;
        }
        catch (FormatException e)
        {
            return Fail("to-enode", $"{source} does not hold a private key: {e.Message}");
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            return Fail("to-enode", $"{source} does not hold a valid private key: {message}");
        }
        catch (NativeLibraryMissingException e)
        {
            return Fail("to-enode", e.Message);
        }
        catch (IOException e)
        {
            return Fail("to-enode", $"cannot write the output: {e.Message}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Reads at most <see cref="MaxKeyFileBytes"/> + 1 bytes, enough to tell a key file from anything else.</summary>
    private static byte[] ReadKeyBytes(string path)
    {
        using Stream stream = path == StdioMarker ? Console.OpenStandardInput() : File.OpenRead(path);
        byte[] buffer = new byte[MaxKeyFileBytes + 1];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        byte[] result = buffer[..total];
        CryptographicOperations.ZeroMemory(buffer);
        return result;
    }

    private static int Fail(string subcommand, string message)
    {
        Console.Error.WriteLine($"key {subcommand}: {message}");
        return 1;
    }
}
