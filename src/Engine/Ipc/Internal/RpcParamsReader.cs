using System.Text.Json;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Reads positional arguments from a request's params, with go-ethereum's rules and messages
/// (<c>parsePositionalArguments</c> in <c>rpc/json.go</c>): params may be absent or null (no
/// arguments), otherwise must be an array; missing trailing arguments are allowed only where the
/// parameter is optional; extra arguments are an error. Failures throw <see cref="RpcException"/>
/// with <see cref="RpcErrorCodes.InvalidParams"/>.
/// </summary>
internal ref struct RpcParamsReader
{
    private Utf8JsonReader _reader;
    private readonly int _parameterCount;
    private int _index;
    private bool _ended;

    /// <param name="json">The params value as raw JSON; empty when the member is absent.</param>
    /// <param name="parameterCount">How many parameters the method declares (for the too-many message).</param>
    public RpcParamsReader(ReadOnlySpan<byte> json, int parameterCount)
    {
        _parameterCount = parameterCount;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = RpcLimits.MaxDepth });
        if (json.IsEmpty)
        {
            _ended = true;
            return;
        }

        _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            // Not in the spec, but geth accepts "params": null because its own client once sent it.
            _ended = true;
            return;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw InvalidParams("non-array args");
        }
    }

    /// <summary>Reads the next argument, or the parameter's default when the array has run out.</summary>
    public T Read<T>(in RpcParameter<T> parameter)
    {
        int index = _index++;
        if (!_ended)
        {
            _reader.Read();
            _ended = _reader.TokenType == JsonTokenType.EndArray;
        }

        if (_ended || _reader.TokenType == JsonTokenType.Null)
        {
            if (!parameter.IsOptional)
            {
                throw InvalidParams($"missing value for required argument {index}");
            }

            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize(ref _reader, parameter.TypeInfo)!;
        }
        catch (JsonException ex)
        {
            throw InvalidParams($"invalid argument {index}: {ex.Message}");
        }
    }

    /// <summary>Reads the first argument as a subscription name (geth's <c>parseSubscriptionName</c>).</summary>
    public string ReadSubscriptionName()
    {
        if (_ended)
        {
            throw InvalidParams("non-array args");
        }

        _index++;
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.String)
        {
            throw InvalidParams("expected subscription name as first argument");
        }

        return _reader.GetString()!;
    }

    /// <summary>Checks that no argument is left over.</summary>
    public void End()
    {
        if (_ended)
        {
            return;
        }

        _reader.Read();
        if (_reader.TokenType != JsonTokenType.EndArray)
        {
            throw InvalidParams($"too many arguments, want at most {_parameterCount}");
        }

        _ended = true;
    }

    private static RpcException InvalidParams(string message) => new(RpcErrorCodes.InvalidParams, message);
}
