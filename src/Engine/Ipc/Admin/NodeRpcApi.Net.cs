using System.Globalization;
using Devp2p.Crypto;

namespace Devp2p.Ipc.Admin;

/// <content>The net and web3 namespaces.</content>
public static partial class NodeRpcApi
{
    private static void RegisterNet(RpcMethodRegistry registry, Server server)
    {
        AdminJsonContext json = AdminJsonContext.Default;

        // geth's hexutil.Uint: "0x" and lowercase hex digits without leading zeros ("0x0" for none).
        registry.Add("net_peerCount", json.String, _ => ValueTask.FromResult("0x" + server.PeerCount.ToString("x", CultureInfo.InvariantCulture)));

        // geth answers true unconditionally; here it is true while the server runs with a listener.
        registry.Add("net_listening", json.Boolean, _ => ValueTask.FromResult(
            server.IsRunning && (server.ListenEndPoint is not null || server.Config.UnixSocketPath is not null)));
    }

    private static void RegisterWeb3(RpcMethodRegistry registry, Server server)
    {
        AdminJsonContext json = AdminJsonContext.Default;
        registry.Add("web3_clientVersion", json.String, _ => ValueTask.FromResult(server.Config.Name));
        registry.Add("web3_sha3", json.String, json.String, static (input, _) => ValueTask.FromResult(Sha3(input)));
    }

    /// <summary>Keccak-256 of 0x-prefixed hex, as geth's <c>web3_sha3</c> (hexutil.Bytes in and out).</summary>
    private static string Sha3(string input)
    {
        byte[] data = DecodeHex(input);
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(data, hash);
        return "0x" + Convert.ToHexStringLower(hash);
    }

    /// <summary>Decodes hexutil.Bytes text; failures carry geth's messages as invalid params.</summary>
    private static byte[] DecodeHex(string input)
    {
        if (!input.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(RpcErrorCodes.InvalidParams, "invalid argument 0: hex string without 0x prefix");
        }

        ReadOnlySpan<char> digits = input.AsSpan(2);
        if (digits.Length % 2 != 0)
        {
            throw new RpcException(RpcErrorCodes.InvalidParams, "invalid argument 0: hex string of odd length");
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw new RpcException(RpcErrorCodes.InvalidParams, "invalid argument 0: invalid hex string");
            }
        }

        return Convert.FromHexString(digits);
    }
}
