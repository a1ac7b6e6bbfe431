using System.CommandLine;
using System.Text;
using Devp2p.Framing.Rlp;

namespace Devp2p.Cli.Commands;

/// <summary>
/// <c>devp2p rlp</c>: work with RLP data. <c>rlp dump</c> prints its structure in the format of
/// go-ethereum's <c>rlpdump</c> (see <see cref="RlpDumper"/>).
/// </summary>
internal static class RlpCommand
{
    /// <summary>The argument that means "read standard input".</summary>
    private const string StdinMarker = "-";

    /// <summary>Output buffer size: large dumps are written in a few big writes.</summary>
    private const int OutputBufferBytes = 64 * 1024;

    private const string FormatAuto = "auto";
    private const string FormatHex = "hex";
    private const string FormatBinary = "binary";

    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("rlp", "Work with RLP data.")
        {
            CreateDump(),
        };
        return command;
    }

    private static Command CreateDump()
    {
        var data = new Argument<string[]>("data")
        {
            Description =
                "The RLP as hex: an optional 0x prefix, then hex digits; whitespace is ignored and several arguments " +
                "are joined, so 'c8 83636174 83646f67' works. Or - to read standard input.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string?>("--file", "-f")
        {
            Description = "Read the RLP from this file instead.",
            HelpName = "path",
        };
        var format = new Option<string>("--format")
        {
            Description =
                "How to read a file or standard input: 'hex' (hex text), 'binary' (raw bytes), or 'auto': hex when the " +
                "content is only hex digits and whitespace with an even number of digits (an optional 0x first), " +
                "raw bytes otherwise.",
            DefaultValueFactory = _ => FormatAuto,
        };
        format.AcceptOnlyFromAmong(FormatAuto, FormatHex, FormatBinary);

        var command = new Command(
            "dump",
            "Print the structure of RLP data as go-ethereum's rlpdump does: nested lists in brackets, printable ASCII " +
            "strings quoted, other byte strings as hex. Concatenated top-level items are all printed. Invalid RLP " +
            "prints nothing and exits 1 with the reason and its byte offset on stderr.")
        {
            data,
            file,
            format,
        };
        command.SetAction(parseResult => RunDump(
            parseResult.GetValue(data) ?? [], parseResult.GetValue(file), parseResult.GetValue(format) ?? FormatAuto));
        return command;
    }

    private static int RunDump(string[] data, string? file, string format)
    {
        if ((data.Length == 0) == (file is null))
        {
            return Fail("give exactly one input: hex data, -f <file>, or - for standard input.");
        }

        bool fromStdin = Array.IndexOf(data, StdinMarker) >= 0;
        if (fromStdin && data.Length > 1)
        {
            return Fail("- (standard input) must be the only data argument.");
        }

        byte[] encoded;
        if (file is null && !fromStdin)
        {
            // Hex split over several arguments ("c8 83636174 83646f67") is joined; spaces are ignored.
            if (!HexInput.TryDecode(string.Join(' ', data), out encoded, out string? hexError))
            {
                return Fail($"invalid hex argument: {hexError}");
            }
        }
        else
        {
            string source = file ?? "standard input";
            byte[] raw;
            try
            {
                raw = file is not null ? File.ReadAllBytes(file) : ReadStandardInput();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return Fail($"cannot read {source}: no such file.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Fail($"cannot read {source}: {e.Message}");
            }

            if (!TryInterpret(raw, format, source, out encoded, out string? error))
            {
                return Fail(error);
            }
        }

        // A buffered writer: the console's own writer flushes on every call, a system call per token.
        // The dumper validates everything before writing, so invalid input prints nothing.
        var stdout = new StreamWriter(
            Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), OutputBufferBytes);
        try
        {
            RlpDumper.Dump(encoded, stdout);
            stdout.Flush();
        }
        catch (RlpException e)
        {
            return Fail($"invalid RLP ({e.Error}) at byte offset {e.Offset}: {e.Message}");
        }
        catch (IOException e)
        {
            // A full disk and the like; a closed pipe (`| head`) never gets here, since the runtime's
            // console stream ignores EPIPE.
            return Fail($"cannot write the output: {e.Message}");
        }
        finally
        {
            DisposeQuietly(stdout);
        }

        return 0;
    }

    private static bool TryInterpret(byte[] raw, string format, string source, out byte[] encoded, out string? error)
    {
        switch (format)
        {
            case FormatBinary:
                encoded = raw;
                error = null;
                return true;
            case FormatHex:
                if (HexInput.TryDecode(Encoding.Latin1.GetString(raw), out encoded, out string? reason))
                {
                    error = null;
                    return true;
                }

                error = $"{source} is not hex: {reason}";
                return false;
            default:
                // Auto: text that decodes as hex to at least one byte is hex; anything else is raw RLP
                // bytes (a file of spaces is valid binary RLP, so whitespace alone does not count as hex).
                if (!HexInput.TryDecode(Encoding.Latin1.GetString(raw), out encoded, out _) || encoded.Length == 0)
                {
                    encoded = raw;
                }

                error = null;
                return true;
        }
    }

    /// <summary>Disposing flushes again, which throws once more after a failed write; that was already reported.</summary>
    private static void DisposeQuietly(StreamWriter writer)
    {
        try
        {
            writer.Dispose();
        }
        catch (IOException)
        {
        }
    }

    private static byte[] ReadStandardInput()
    {
        using Stream stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static int Fail(string? message)
    {
        Console.Error.WriteLine($"rlp dump: {message}");
        return 1;
    }
}
