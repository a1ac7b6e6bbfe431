using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <summary>A call whose result decodes to <typeparamref name="T"/>.</summary>
internal class PendingCall<T>(long id, JsonTypeInfo<T> resultType) : PendingCall(id)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> TypedTask => _completion.Task;

    public override Task Task => _completion.Task;

    public override void SetResult(ReadOnlySpan<byte> resultJson)
    {
        T value;
        try
        {
            value = Decode(resultJson);
        }
        catch (Exception ex) when (ex is JsonException or RpcException or NotSupportedException)
        {
            _completion.TrySetException(ex);
            return;
        }

        _completion.TrySetResult(value);
    }

    public override void SetError(Exception error) => _completion.TrySetException(error);

    public override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);

    /// <summary>Decodes the result; a subclass may act on it on the read loop before the caller resumes.</summary>
    protected virtual T Decode(ReadOnlySpan<byte> resultJson) => JsonSerializer.Deserialize(resultJson, resultType)!;
}
