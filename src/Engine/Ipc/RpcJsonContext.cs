using System.Text.Json;
using System.Text.Json.Serialization;

namespace Devp2p.Ipc;

/// <summary>
/// Source-generated JSON metadata for the types the JSON-RPC layer itself uses (the result of
/// <c>rpc_modules</c>, subscription ids, <c>_unsubscribe</c>'s bool) and for common argument and
/// result types, so callers can write <c>RpcJsonContext.Default.String</c> without a context of their own.
/// </summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(ulong?))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
public sealed partial class RpcJsonContext : JsonSerializerContext
{
}
