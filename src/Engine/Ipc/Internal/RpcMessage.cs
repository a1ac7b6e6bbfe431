using System.Text.Json;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Where the members of one JSON-RPC message lie inside its bytes, and how go-ethereum would
/// classify it (<c>rpc/json.go</c>: <c>isCall</c>, <c>isNotification</c>, <c>isResponse</c>).
/// Offsets are into the span given to <see cref="Parse"/>; a length of -1 means the member is absent.
/// </summary>
/// <remarks>
/// As with Go's <c>json.Unmarshal</c> into <c>jsonrpcMessage</c>: unknown members are ignored, a
/// repeated member keeps its last value, and a member of the wrong type counts as absent
/// ("method": 5 is no method). Unlike Go, member names match case-sensitively.
/// </remarks>
internal struct RpcMessage
{
    public bool IsObject;
    public bool HasVersion;
    public int IdStart;
    public int IdLength;
    public int MethodStart;
    public int MethodLength;
    public int ParamsStart;
    public int ParamsLength;
    public int ResultStart;
    public int ResultLength;
    public int ErrorStart;
    public int ErrorLength;

    /// <summary>An id that is present and is not an object or array ("id": null is valid, as in geth).</summary>
    public bool HasValidId;

    public readonly bool HasMethod => MethodLength > 0;

    public readonly bool IsNotification => HasVersion && IdLength < 0 && HasMethod;

    public readonly bool IsCall => HasVersion && HasValidId && HasMethod;

    public readonly bool IsResponse => HasVersion && HasValidId && !HasMethod && ParamsLength < 0 && (ResultLength >= 0 || ErrorLength >= 0);

    /// <summary>Parses one complete, already validated JSON value.</summary>
    public static RpcMessage Parse(ReadOnlySpan<byte> json, int maxDepth)
    {
        var message = new RpcMessage
        {
            IdLength = -1,
            MethodLength = -1,
            ParamsLength = -1,
            ResultLength = -1,
            ErrorLength = -1,
        };
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return message;
        }

        message.IsObject = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Member member = Identify(ref reader);
            reader.Read();
            JsonTokenType valueType = reader.TokenType;
            int start = (int)reader.TokenStartIndex;
            bool isVersion = valueType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            reader.Skip();
            int length = (int)reader.BytesConsumed - start;
            switch (member)
            {
                case Member.Version:
                    message.HasVersion = isVersion;
                    break;
                case Member.Id:
                    message.IdStart = start;
                    message.IdLength = length;
                    message.HasValidId = valueType is not (JsonTokenType.StartObject or JsonTokenType.StartArray);
                    break;
                case Member.Method:
                    bool isString = valueType == JsonTokenType.String;

                    // An empty string is no method, as Go's Method == "" test has it.
                    message.MethodStart = start;
                    message.MethodLength = isString && length > 2 ? length : -1;
                    break;
                case Member.Params:
                    message.ParamsStart = start;
                    message.ParamsLength = length;
                    break;
                case Member.Result:
                    message.ResultStart = start;
                    message.ResultLength = length;
                    break;
                case Member.Error:
                    message.ErrorStart = start;
                    message.ErrorLength = length;
                    break;
                default:
                    break;
            }
        }

        return message;
    }

    /// <summary>True when the first byte that is not whitespace opens an array (geth's <c>isBatch</c>).</summary>
    public static bool IsBatch(ReadOnlySpan<byte> json)
    {
        int first = json.IndexOfAnyExcept(" \t\r\n"u8);
        return first >= 0 && json[first] == (byte)'[';
    }

    /// <summary>Lists the [start, length) of each element of a top-level array.</summary>
    public static void SplitBatch(ReadOnlySpan<byte> json, int maxDepth, List<(int Start, int Length)> elements)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            elements.Add((start, (int)reader.BytesConsumed - start));
        }
    }

    private static Member Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("jsonrpc"u8))
        {
            return Member.Version;
        }

        if (reader.ValueTextEquals("id"u8))
        {
            return Member.Id;
        }

        if (reader.ValueTextEquals("method"u8))
        {
            return Member.Method;
        }

        if (reader.ValueTextEquals("params"u8))
        {
            return Member.Params;
        }

        if (reader.ValueTextEquals("result"u8))
        {
            return Member.Result;
        }

        return reader.ValueTextEquals("error"u8) ? Member.Error : Member.Other;
    }

    private enum Member
    {
        Other,
        Version,
        Id,
        Method,
        Params,
        Result,
        Error,
    }
}
