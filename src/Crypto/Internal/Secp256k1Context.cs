using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// Loads libsecp256k1 and owns the one process-wide secp256k1_context every call uses.
/// </summary>
/// <remarks>
/// The context is created and randomized once, under a lock, the first time any operation needs it.
/// After that it is only passed as a const pointer, which the library documents as safe to share
/// between threads without locking (include/secp256k1.h, "A constructed context can safely be used
/// from multiple threads simultaneously"). It lives until the process exits: destroying it would
/// race with callers on other threads and buys nothing.
/// A failed load is not cached, so installing the library and calling again works without restarting.
/// </remarks>
internal static unsafe class Secp256k1Context
{
    /// <summary>
    /// File names tried in order: the Debian/Ubuntu runtime package's soname first, then the
    /// development symlink, a future soname, macOS (Homebrew), and finally the bare name so the
    /// runtime's own probing (secp256k1.dll, the application folder) gets a turn.
    /// </summary>
    internal static readonly string[] CandidateNames =
    [
        "libsecp256k1.so.1",
        "libsecp256k1.so",
        "libsecp256k1.so.2",
        "libsecp256k1.dylib",
        "secp256k1",
    ];

    /// <summary>Exports from the optional modules RLPx needs; a build without them is skipped.</summary>
    private static readonly string[] s_requiredExports = ["secp256k1_ecdh", "secp256k1_ecdsa_recover"];

    private const int RandomizationSeedLength = 32;

    private static readonly Lock s_lock = new();
    private static nint s_library;
    private static nint s_context;
    private static bool s_resolverRegistered;

    /// <summary>The shared context, creating it on first use.</summary>
    /// <exception cref="NativeLibraryMissingException">No usable libsecp256k1 was found.</exception>
    internal static nint Handle
    {
        get
        {
            nint context = Volatile.Read(ref s_context);
            return context != 0 ? context : Initialize();
        }
    }

    /// <summary>True when the library loads (loading it if that has not happened yet).</summary>
    internal static bool TryInitialize()
    {
        if (Volatile.Read(ref s_context) != 0)
        {
            return true;
        }

        try
        {
            Initialize();
            return true;
        }
        catch (NativeLibraryMissingException)
        {
            return false;
        }
    }

    private static nint Initialize()
    {
        lock (s_lock)
        {
            if (s_context != 0)
            {
                return s_context;
            }

            if (s_library == 0)
            {
                s_library = LoadLibrary();
            }

            RegisterResolver();

            nint context = Secp256k1Native.ContextCreate(Secp256k1Native.ContextSignAndVerify);
            if (context == 0)
            {
                throw new InvalidOperationException("secp256k1_context_create returned NULL (out of memory?).");
            }

            // Randomizing blinds the secret-dependent multiplications against side channels; the
            // header recommends doing it once for contexts used with secret keys.
            byte* seed = stackalloc byte[RandomizationSeedLength];
            var seedSpan = new Span<byte>(seed, RandomizationSeedLength);
            RandomNumberGenerator.Fill(seedSpan);
            int randomized = Secp256k1Native.ContextRandomize(context, seed);
            CryptographicOperations.ZeroMemory(seedSpan);
            if (randomized != 1)
            {
                Secp256k1Native.ContextDestroy(context);
                throw new InvalidOperationException("secp256k1_context_randomize failed.");
            }

            Volatile.Write(ref s_context, context);
            return context;
        }
    }

    private static nint LoadLibrary()
    {
        Assembly assembly = typeof(Secp256k1Context).Assembly;
        string? lackingModules = null;
        foreach (string name in CandidateNames)
        {
            if (!NativeLibrary.TryLoad(name, assembly, null, out nint handle))
            {
                continue;
            }

            if (HasRequiredExports(handle))
            {
                return handle;
            }

            // Keep looking: another candidate may be a full build. Not freed, since unloading a
            // shared library other code may also have loaded is not worth the risk.
            lackingModules ??= name;
        }

        throw new NativeLibraryMissingException(
            NativeLibraryMissingException.BuildMessage(CandidateNames, lackingModules));
    }

    private static bool HasRequiredExports(nint handle)
    {
        foreach (string export in s_requiredExports)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static void RegisterResolver()
    {
        if (s_resolverRegistered)
        {
            return;
        }

        // One resolver per assembly is allowed; it answers only for libsecp256k1 and leaves every
        // other library name to the runtime's default probing.
        NativeLibrary.SetDllImportResolver(typeof(Secp256k1Context).Assembly, Resolve);
        s_resolverRegistered = true;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Secp256k1Native.LibraryName ? Volatile.Read(ref s_library) : 0;
}
