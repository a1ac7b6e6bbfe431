using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Devp2p.Transports.Internal;

/// <summary>Checks and housekeeping for the file a Unix domain socket listener binds.</summary>
internal static class UnixSocketFile
{
    // sockaddr_un.sun_path sizes, including the terminating NUL.
    private const int LinuxMaxPathBytes = 108;
    private const int BsdMaxPathBytes = 104;

    // errno ENXIO: open(2) on a socket file fails with it on Linux and macOS alike.
    private const int ErrorNoDeviceOrAddress = 6;

    // O_NONBLOCK, so that probing a FIFO that happens to sit at the path cannot block.
    private const int LinuxOpenNonBlocking = 0x800;
    private const int BsdOpenNonBlocking = 0x4;

    /// <summary>The longest socket path the OS accepts, in bytes including the terminating NUL.</summary>
    public static int MaxPathBytes =>
        OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsFreeBSD() ? BsdMaxPathBytes : LinuxMaxPathBytes;

    /// <summary>Throws a clear <see cref="ArgumentException"/> when <paramref name="path"/> does not fit sockaddr_un.</summary>
    public static void ValidatePath(string path)
    {
        if (PathError(path) is { } error)
        {
            throw new ArgumentException(error, nameof(path));
        }
    }

    /// <summary>Why <paramref name="path"/> cannot be a Unix domain socket path (empty, or too long for sockaddr_un), or null.</summary>
    public static string? PathError(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "The Unix domain socket path is empty.";
        }

        int bytes = Encoding.UTF8.GetByteCount(path) + 1;
        return bytes > MaxPathBytes
            ? $"The Unix domain socket path '{path}' is {bytes} bytes including the terminating NUL; this OS allows at most {MaxPathBytes}."
            : null;
    }

    /// <summary>
    /// Removes a socket file left behind by a process that exited without unbinding. Anything that is
    /// not a socket (a regular file, a directory, a FIFO) is left alone and reported, never deleted.
    /// </summary>
    public static void RemoveStale(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (!IsSocket(path))
        {
            throw new IOException($"Cannot bind the Unix domain socket '{path}': a file that is not a socket already exists there.");
        }

        // A live listener still accepts; refuse rather than steal its address.
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new IOException($"Cannot bind the Unix domain socket '{path}': another process is listening on it.");
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Nobody listens: the file is stale.
            }
        }

        File.Delete(path);
    }

    /// <summary>Restricts the socket file to its owner (0600): the IPC endpoint is as private as a key file.</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Deletes the socket file if it is still a socket.</summary>
    public static void DeleteIfSocket(string path)
    {
        try
        {
            if (File.Exists(path) && IsSocket(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Removed concurrently, or the directory went away: nothing to clean.
        }
    }

    private static bool IsSocket(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // AF_UNIX socket files on Windows are reparse points.
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }

        // .NET exposes no file type on Unix, so ask open(2): it fails with ENXIO only for sockets.
        int flags = OperatingSystem.IsLinux() ? LinuxOpenNonBlocking : BsdOpenNonBlocking;
        int fd = Open(path, flags);
        if (fd >= 0)
        {
            _ = Close(fd);
            return false;
        }

        return Marshal.GetLastPInvokeError() == ErrorNoDeviceOrAddress;
    }

    // DllImport rather than LibraryImport: the Engine does not enable unsafe code, and these two
    // calls run once per bind, so runtime marshalling costs nothing that matters.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
