using System.Runtime.InteropServices;

namespace Devp2p.Framing.Tests.Snappy;

/// <summary>
/// Native memory followed by an inaccessible (PROT_NONE) page, so a span placed flush against the
/// guard page turns any read or write past its end into a crash of the test run instead of a
/// silent success. Linux only (<see cref="IsSupported"/>); the canary checks cover other systems.
/// </summary>
internal sealed unsafe class GuardedMemory : IDisposable
{
    private const int ProtNone = 0;
    private const int ProtReadWrite = 1 | 2;
    private const int MapPrivateAnonymous = 0x02 | 0x20;

    private static readonly Lazy<bool> s_supported = new(Probe);

    private readonly byte* _base;
    private readonly nuint _usable;
    private readonly nuint _total;

    public GuardedMemory(int capacity)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        _usable = ((nuint)Math.Max(capacity, 1) + page - 1) / page * page;
        _total = _usable + page;
        void* mapped = Mmap(null, _total, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (mapped == (void*)-1)
        {
            throw new InvalidOperationException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _base = (byte*)mapped;
        if (Mprotect(_base + _usable, page, ProtNone) != 0)
        {
            throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static bool IsSupported => s_supported.Value;

    /// <summary>The last <paramref name="length"/> accessible bytes: the next byte is the guard page.</summary>
    public Span<byte> Tail(int length)
    {
        if ((nuint)length > _usable)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        return new Span<byte>(_base + _usable - (nuint)length, length);
    }

    public void Dispose() => Munmap(_base, _total);

    /// <summary>Linux with a loadable libc (the DllImport name resolves differently elsewhere).</summary>
    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            new GuardedMemory(1).Dispose();
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(void* address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);
}
