using System.Security.Cryptography;
using System.Text;
using Devp2p.Crypto;

namespace Devp2p.Cli;

/// <summary>
/// Node key files in go-ethereum's nodekey format: the secp256k1 secret as 64 hex digits (a 0x
/// prefix and surrounding whitespace are accepted on reading), created with mode 0600.
/// </summary>
internal static class NodeKeyFile
{
    /// <summary>A key file is 64 hex digits and a little slack; anything larger is not a key file.</summary>
    private const int MaxBytes = 4096;

    private const string LowerHexDigits = "0123456789abcdef";

    /// <summary>Reads a key file.</summary>
    /// <exception cref="IOException">The file cannot be read or is too large.</exception>
    /// <exception cref="FormatException">The file does not hold 64 hex digits.</exception>
    /// <exception cref="ArgumentException">The number is not a valid secp256k1 secret.</exception>
    public static PrivateKey Load(string path)
    {
        byte[] raw;
        using (FileStream stream = File.OpenRead(path))
        {
            if (stream.Length > MaxBytes)
            {
                throw new IOException($"{path} is not a key file: it holds more than {MaxBytes} bytes.");
            }

            raw = new byte[stream.Length];
            stream.ReadExactly(raw);
        }

        try
        {
            return PrivateKey.FromHex(Encoding.ASCII.GetString(raw).Trim());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
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
        Span<byte> secret = stackalloc byte[32];
        Span<byte> line = stackalloc byte[65];
        try
        {
            key.WriteTo(secret);
            for (int i = 0; i < secret.Length; i++)
            {
                line[2 * i] = (byte)LowerHexDigits[secret[i] >> 4];
                line[(2 * i) + 1] = (byte)LowerHexDigits[secret[i] & 0xF];
            }

            line[^1] = (byte)'\n';
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(line);
                stream.Flush(flushToDisk: true);
            }

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
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(line);
        }
    }
}
