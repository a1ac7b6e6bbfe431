using System.Text;

namespace Devp2p.Crypto;

/// <summary>
/// Thrown by every secp256k1 operation (and therefore by RLPx handshakes and ECIES) when the system
/// libsecp256k1 cannot be loaded, or lacks the ecdh and recovery modules. The message says how to
/// install it. Check <see cref="Secp256k1.IsAvailable"/> to test for the library without catching.
/// </summary>
public sealed class NativeLibraryMissingException : DllNotFoundException
{
    /// <summary>The Debian/Ubuntu command that installs the runtime package.</summary>
    internal const string DebianInstallCommand = "apt-get install -y libsecp256k1-1";

    /// <summary>The macOS (Homebrew) command that installs the library.</summary>
    internal const string MacInstallCommand = "brew install secp256k1";

    /// <summary>Creates the exception with the standard installation instructions.</summary>
    public NativeLibraryMissingException()
        : base(BuildMessage([], null))
    {
    }

    /// <summary>Creates the exception with a caller-supplied message.</summary>
    public NativeLibraryMissingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a caller-supplied message and the load failure that caused it.</summary>
    public NativeLibraryMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Builds the message: what was looked for, what was tried, and the exact install commands.
    /// </summary>
    /// <param name="triedNames">The file names the loader tried, in order.</param>
    /// <param name="foundWithoutModules">
    /// A candidate that loaded but lacks secp256k1_ecdh or secp256k1_ecdsa_recover, or null.
    /// </param>
    internal static string BuildMessage(IReadOnlyList<string> triedNames, string? foundWithoutModules)
    {
        var text = new StringBuilder(512);
        text.Append("The native secp256k1 library (libsecp256k1 with the ecdh and recovery modules) is required for ")
            .Append("node keys, RLPx handshakes and ECIES, but no usable copy was found");
        if (triedNames.Count > 0)
        {
            text.Append(" (tried: ").AppendJoin(", ", triedNames).Append(')');
        }

        text.Append('.');
        if (foundWithoutModules is not null)
        {
            text.Append(" '").Append(foundWithoutModules)
                .Append("' loaded but was built without the ecdh or recovery module (secp256k1_ecdh, secp256k1_ecdsa_recover missing).");
        }

        text.Append(" Install it: on Debian/Ubuntu run `").Append(DebianInstallCommand)
            .Append("`; on macOS run `").Append(MacInstallCommand)
            .Append("`; elsewhere build bitcoin-core/secp256k1 with --enable-module-ecdh --enable-module-recovery")
            .Append(" and put the shared library on the loader's search path (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH or PATH).");
        return text.ToString();
    }
}
