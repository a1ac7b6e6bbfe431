using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Devp2p.Crypto;

namespace Devp2p.Cli;

/// <summary>
/// Node key files in go-ethereum's nodekey format: the secp256k1 secret as 64 hex digits (a 0x
/// prefix and surrounding whitespace are accepted on reading), created with mode 0600. The one
/// place the CLI reads, formats and writes them (<c>devp2p node</c>, <c>key</c>, <c>rlpx ping</c>).
/// </summary>
internal static class NodeKeyFile
{
    /// <summary>The path that means standard input or output.</summary>
    public const string StdioMarker = "-";

    /// <summary>Bytes of <see cref="FormatLine"/>'s output: 64 hex digits and a newline.</summary>
    public const int LineLength = (2 * SecretLength) + 1;

    /// <summary>
    /// A key file is 64 hex digits, a possible 0x and a newline; anything far larger is not a key
    /// file, and refusing it early avoids reading a large file by mistake.
    /// </summary>
    private const int MaxBytes = 4096;

    private const int SecretLength = 32;

    /// <summary>Reads a key file (<see cref="StdioMarker"/> for standard input).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">The file is not 64 hex digits (or far too large to be a key file).</exception>
    /// <exception cref="ArgumentException">The number is not a valid secp256k1 secret.</exception>
    public static PrivateKey Load(string path)
    {
        byte[] raw = ReadBytes(path);
        try
        {
            return Parse(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>
    /// Reads at most 4,097 bytes of <paramref name="path"/> (<see cref="StdioMarker"/> for standard
    /// input), enough to tell a key file from anything else; works on pipes. The caller zeroes them.
    /// </summary>
    public static byte[] ReadBytes(string path)
    {
        using Stream stream = path == StdioMarker ? Console.OpenStandardInput() : File.OpenRead(path);
        byte[] buffer = new byte[MaxBytes + 1];
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

    /// <summary>The key in the bytes of a key file.</summary>
    /// <exception cref="FormatException">Not 64 hex digits, or far too large to be a key file.</exception>
    /// <exception cref="ArgumentException">The number is not a valid secp256k1 secret.</exception>
    public static PrivateKey Parse(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > MaxBytes)
        {
            throw new FormatException($"it holds more than {MaxBytes} bytes, too many for a key file.");
        }

        // Widened into a buffer we zero, not a string: the secret must not outlive the call.
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(raw.Length, 1));
        try
        {
            int length = Encoding.ASCII.GetChars(raw, chars);
            return PrivateKey.FromHex(chars.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(chars.AsSpan()));
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Writes <paramref name="key"/> as 64 lowercase hex digits and a newline into <paramref name="line"/> (<see cref="LineLength"/> bytes); the caller zeroes it.</summary>
    public static void FormatLine(PrivateKey key, Span<byte> line)
    {
        // Formatted into bytes, so the secret never becomes an immutable string.
        Span<byte> secret = stackalloc byte[SecretLength];
        try
        {
            key.WriteTo(secret);
            Convert.TryToHexStringLower(secret, line, out int written);
            line[written] = (byte)'\n';
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Creates <paramref name="path"/> (it must not exist) with mode 0600 and writes <paramref name="content"/>, flushed to disk.</summary>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    public static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads the key at <paramref name="path"/>, or generates one and writes it there (0600) when the file does not exist.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="created">Whether a new key was written.</param>
    /// <returns>The key; the caller disposes it.</returns>
    public static PrivateKey LoadOrCreate(string path, out bool created)
    {
        if (File.Exists(path))
        {
            created = false;
            return Load(path);
        }

        PrivateKey key = PrivateKey.Generate();
        Span<byte> line = stackalloc byte[LineLength];
        try
        {
            FormatLine(key, line);
            WriteNew(path, line);
            created = true;
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use that one.
            key.Dispose();
            created = false;
            return Load(path);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(line);
        }
    }
}
