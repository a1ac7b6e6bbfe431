using System.Diagnostics;
using Devp2p.Cli;
using Devp2p.Crypto;
using Xunit;

namespace Devp2p.Engine.Tests.Cli;

/// <summary>The CLI's one reader and writer of go-ethereum nodekey files.</summary>
public sealed class NodeKeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("d2p-nodekey-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_created_key_is_64_lowercase_hex_digits_and_a_newline_owner_only_and_loads_back()
    {
        string path = Path.Combine(_dir, "nodekey");
        using PrivateKey created = NodeKeyFile.LoadOrCreate(path, out bool wasCreated);
        Assert.True(wasCreated);
        string text = File.ReadAllText(path);
        Assert.Matches("^[0-9a-f]{64}\n$", text);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        using PrivateKey again = NodeKeyFile.LoadOrCreate(path, out bool createdAgain);
        Assert.False(createdAgain);
        Assert.Equal(created.PublicKey, again.PublicKey);
    }

    [Fact]
    public void FormatLine_matches_the_secret()
    {
        using PrivateKey key = PrivateKey.Generate();
        Span<byte> secret = stackalloc byte[32];
        key.WriteTo(secret);
        byte[] line = new byte[NodeKeyFile.LineLength];
        NodeKeyFile.FormatLine(key, line);
        Assert.Equal(Convert.ToHexStringLower(secret) + "\n", System.Text.Encoding.ASCII.GetString(line));
    }

    [Fact]
    public void Load_accepts_a_0x_prefix_and_whitespace_and_refuses_what_is_not_a_key()
    {
        using PrivateKey key = PrivateKey.Generate();
        Span<byte> secret = stackalloc byte[32];
        key.WriteTo(secret);
        string path = Path.Combine(_dir, "k");
        File.WriteAllText(path, "  0x" + Convert.ToHexString(secret) + "\r\n");
        using (PrivateKey loaded = NodeKeyFile.Load(path))
        {
            Assert.Equal(key.PublicKey, loaded.PublicKey);
        }

        File.WriteAllText(path, new string('a', 5000));
        Assert.Contains("more than 4096 bytes", Assert.Throws<FormatException>(() => NodeKeyFile.Load(path)).Message);
        File.WriteAllText(path, "not hex");
        Assert.Throws<FormatException>(() => NodeKeyFile.Load(path));
        Assert.Throws<FileNotFoundException>(() => NodeKeyFile.Load(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public async Task Load_reads_a_pipe()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using PrivateKey key = PrivateKey.Generate();
        Span<byte> secret = stackalloc byte[32];
        key.WriteTo(secret);
        string fifo = Path.Combine(_dir, "fifo");
        using (Process mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        string hex = Convert.ToHexStringLower(secret);
        Task writer = Task.Run(() => File.WriteAllText(fifo, hex + "\n"));
        using PrivateKey loaded = NodeKeyFile.Load(fifo);
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(key.PublicKey, loaded.PublicKey);
    }
}
