using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <content>Running one message: classification, method lookup, subscribe and unsubscribe.</content>
internal sealed partial class RpcServerConnection
{
    private enum TargetKind
    {
        Method,
        NotFound,
        Subscribe,
        Unsubscribe,
    }

    /// <summary>Runs one message (a whole request or one batch element) and writes its response, if any.</summary>
    private ValueTask ExecuteAsync(ReadOnlyMemory<byte> json, RpcResponseBuilder response)
    {
        RpcMessage message = RpcMessage.Parse(json.Span, RpcLimits.MaxDepth);
        ReadOnlyMemory<byte> id = message.HasValidId ? json.Slice(message.IdStart, message.IdLength) : default;
        if (message.IsResponse)
        {
            // An answer to a call this side never makes; geth logs and drops it.
            return ValueTask.CompletedTask;
        }

        if (!message.IsCall && !message.IsNotification)
        {
            response.WriteError(id.Span, RpcErrorCodes.InvalidRequest, "invalid request");
            return ValueTask.CompletedTask;
        }

        Target target = Resolve(json.Span.Slice(message.MethodStart, message.MethodLength), message.IsNotification);
        if (target.Kind == TargetKind.NotFound && target.Text is null)
        {
            // A subscription notification sent to us: meaningful only to a client.
            return ValueTask.CompletedTask;
        }

        ReadOnlyMemory<byte> parameters = message.ParamsLength >= 0 ? json.Slice(message.ParamsStart, message.ParamsLength) : default;
        var call = new RpcCall(id, parameters, response);
        return message.IsNotification ? ExecuteNotificationAsync(target, call) : ExecuteCallAsync(target, call);
    }

    private async ValueTask ExecuteNotificationAsync(Target target, RpcCall call)
    {
        // A notification runs like a call, but nothing it writes is sent.
        RpcResponseBuilder.Mark mark = call.Response.GetMark();
        await ExecuteCallAsync(target, call).ConfigureAwait(false);
        call.Response.Rollback(mark);
    }

    private async ValueTask ExecuteCallAsync(Target target, RpcCall call)
    {
        try
        {
            switch (target.Kind)
            {
                case TargetKind.Method:
                    await target.Method!.InvokeAsync(call, _lifetime.Token).ConfigureAwait(false);
                    break;
                case TargetKind.Subscribe:
                    Subscribe(target.Text!, call);
                    break;
                case TargetKind.Unsubscribe:
                    await UnsubscribeAsync(call).ConfigureAwait(false);
                    break;
                default:
                    call.Response.WriteError(call.Id.Span, RpcErrorCodes.MethodNotFound, $"the method {target.Text} does not exist/is not available");
                    break;
            }
        }
        catch (RpcException ex)
        {
            call.Response.WriteError(call.Id.Span, ex.Code, ex.Message, ex.ErrorData, _server.ErrorDataOptions);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // geth answers a method's error with -32000 and its text (errcodeDefault); -32603 is
            // kept for failures of the server itself, such as a result that does not serialize.
            call.Response.WriteError(call.Id.Span, RpcErrorCodes.ServerError, ex.Message);
        }
    }

    /// <summary>Decodes the method name (on the stack when short) and finds what serves it.</summary>
    private Target Resolve(ReadOnlySpan<byte> methodToken, bool isNotification)
    {
        var reader = new Utf8JsonReader(methodToken);
        reader.Read();
        if (reader.ValueSpan.Length <= RpcLimits.StackMethodNameLength)
        {
            // UTF-8 never decodes to more chars than it has bytes.
            Span<char> chars = stackalloc char[RpcLimits.StackMethodNameLength];
            int length = reader.CopyString(chars);
            return Resolve(chars[..length], null, isNotification);
        }

        string name = reader.GetString()!;
        return Resolve(name, name, isNotification);
    }

    private Target Resolve(ReadOnlySpan<char> name, string? nameText, bool isNotification)
    {
        if (isNotification && name.EndsWith("_subscription", StringComparison.Ordinal))
        {
            return new Target(TargetKind.NotFound, null, null);
        }

        // The suffixes win over registered names, as in geth's handleCall.
        if (name.EndsWith("_subscribe", StringComparison.Ordinal))
        {
            int separator = name.IndexOf('_');
            return new Target(TargetKind.Subscribe, null, name[..separator].ToString());
        }

        if (name.EndsWith("_unsubscribe", StringComparison.Ordinal))
        {
            return new Target(TargetKind.Unsubscribe, null, null);
        }

        RpcMethod? method = _registry.Find(name);
        return method is not null
            ? new Target(TargetKind.Method, method, null)
            : new Target(TargetKind.NotFound, null, nameText ?? name.ToString());
    }

    private void Subscribe(string ns, RpcCall call)
    {
        var reader = new RpcParamsReader(call.Params.Span, 1);
        string name = reader.ReadSubscriptionName();
        RpcSubscriptionSource source = _registry.FindSubscription(ns, name)
            ?? throw new RpcException(RpcErrorCodes.MethodNotFound, $"no \"{name}\" subscription in {ns} namespace");
        string id = SubscriptionIds.Next();
        ServerSubscription subscription = source.Create(call.Params.Span, this, id);
        _subscriptions[id] = subscription;
        call.Response.AddSubscription(subscription);
        call.Response.WriteResult(call.Id.Span, id, RpcJsonContext.Default.String);
    }

    private async ValueTask UnsubscribeAsync(RpcCall call)
    {
        var reader = new RpcParamsReader(call.Params.Span, 1);
        string id = reader.Read(s_subscriptionIdParameter);
        reader.End();
        if (!_subscriptions.TryRemove(id, out ServerSubscription? subscription))
        {
            // geth's ErrSubscriptionNotFound, which has no code of its own.
            throw new RpcException(RpcErrorCodes.ServerError, "subscription not found");
        }

        // No notification of it may follow the answer: a client that has read the answer treats the id as gone.
        await subscription.StopAndWaitAsync().ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, true, RpcJsonContext.Default.Boolean);
    }

    /// <summary>Forgets a subscription that ended by itself (failure or overflow).</summary>
    public void RemoveSubscription(string id, ServerSubscription subscription) =>
        _subscriptions.TryRemove(new KeyValuePair<string, ServerSubscription>(id, subscription));

    /// <summary>Sends one notification. Returns false once the connection cannot take more output.</summary>
    /// <exception cref="Exception">The item failed to serialize.</exception>
    public async ValueTask<bool> SendNotificationAsync<T>(string method, string subscriptionId, T item, JsonTypeInfo<T> itemType)
    {
        RpcResponseBuilder builder = _server.RentBuilder();
        try
        {
            builder.WriteNotification(method, subscriptionId, item, itemType);
            return await _output.WriteAsync(builder.Finish()).ConfigureAwait(false);
        }
        finally
        {
            _server.ReturnBuilder(builder);
        }
    }

    /// <summary>Sends the notification that ends a subscription with an error.</summary>
    public async ValueTask SendNotificationErrorAsync(string method, string subscriptionId, int code, string message)
    {
        RpcResponseBuilder builder = _server.RentBuilder();
        try
        {
            builder.WriteNotificationError(method, subscriptionId, code, message);
            await _output.WriteAsync(builder.Finish()).ConfigureAwait(false);
        }
        finally
        {
            _server.ReturnBuilder(builder);
        }
    }

    private readonly record struct Target(TargetKind Kind, RpcMethod? Method, string? Text);
}
