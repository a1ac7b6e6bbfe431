using System.Runtime.InteropServices;

namespace Devp2p.Crypto.Internal;

/// <summary>
/// The libsecp256k1 entry points this library uses, as source-generated P/Invokes. Every argument
/// is a raw pointer or an integer, so the generated stubs marshal nothing and allocate nothing.
/// </summary>
/// <remarks>
/// Callers must pass the context from <see cref="Secp256k1Context.Handle"/> (which loads the library
/// and registers the import resolver first) and must never pass NULL or out-of-range arguments:
/// the library's default illegal-argument callback calls abort(), so every argument is checked in
/// managed code before the call. Opaque structures (secp256k1_pubkey, secp256k1_ecdsa_signature:
/// 64 bytes; secp256k1_ecdsa_recoverable_signature: 65 bytes) are passed as byte buffers of those
/// sizes; their layout is the library's business and is never read here.
/// Signatures follow include/secp256k1.h, secp256k1_ecdh.h and secp256k1_recovery.h of release 0.2.0.
/// </remarks>
internal static unsafe partial class Secp256k1Native
{
    /// <summary>The name the P/Invokes bind to; the resolver maps it to one of the candidate files.</summary>
    internal const string LibraryName = "secp256k1";

    /// <summary>Size of the opaque secp256k1_pubkey and secp256k1_ecdsa_signature structures.</summary>
    internal const int OpaqueStructLength = 64;

    /// <summary>Size of the opaque secp256k1_ecdsa_recoverable_signature structure.</summary>
    internal const int OpaqueRecoverableSignatureLength = 65;

    /// <summary>
    /// SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY. Release 0.2.0 deprecates both and treats
    /// them like SECP256K1_CONTEXT_NONE, but releases before 0.2.0 (still shipped as libsecp256k1.so
    /// by some distributions) abort on signing with a context created without the SIGN flag.
    /// </summary>
    internal const uint ContextSignAndVerify = (1 << 0) | (1 << 8) | (1 << 9);

    /// <summary>SECP256K1_EC_UNCOMPRESSED: 65-byte 0x04 || x || y.</summary>
    internal const uint SerializeUncompressed = 1 << 1;

    /// <summary>SECP256K1_EC_COMPRESSED: 33-byte 0x02/0x03 || x.</summary>
    internal const uint SerializeCompressed = (1 << 1) | (1 << 8);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_create")]
    internal static partial nint ContextCreate(uint flags);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_destroy")]
    internal static partial void ContextDestroy(nint context);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_randomize")]
    internal static partial int ContextRandomize(nint context, byte* seed32);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_seckey_verify")]
    internal static partial int SecretKeyVerify(nint context, byte* secretKey32);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_pubkey_create")]
    internal static partial int PublicKeyCreate(nint context, byte* publicKey, byte* secretKey32);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_pubkey_parse")]
    internal static partial int PublicKeyParse(nint context, byte* publicKey, byte* input, nuint inputLength);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_pubkey_serialize")]
    internal static partial int PublicKeySerialize(nint context, byte* output, nuint* outputLength, byte* publicKey, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_signature_parse_compact")]
    internal static partial int SignatureParseCompact(nint context, byte* signature, byte* input64);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_verify")]
    internal static partial int Verify(nint context, byte* signature, byte* messageHash32, byte* publicKey);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_sign_recoverable")]
    internal static partial int SignRecoverable(
        nint context, byte* signature, byte* messageHash32, byte* secretKey32, nint nonceFunction, nint nonceData);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_recoverable_signature_serialize_compact")]
    internal static partial int RecoverableSignatureSerializeCompact(nint context, byte* output64, int* recoveryId, byte* signature);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_recoverable_signature_parse_compact")]
    internal static partial int RecoverableSignatureParseCompact(nint context, byte* signature, byte* input64, int recoveryId);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_recover")]
    internal static partial int Recover(nint context, byte* publicKey, byte* signature, byte* messageHash32);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdh")]
    internal static partial int Ecdh(
        nint context, byte* output, byte* publicKey, byte* secretKey32, nint hashFunction, nint hashData);
}
