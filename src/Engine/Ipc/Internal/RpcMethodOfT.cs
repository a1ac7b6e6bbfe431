using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

// The typed methods, one per parameter count, in one file like the Func family: each decodes its
// arguments synchronously (the params reader is a ref struct), then awaits the handler. A handler
// that completes synchronously costs no state-machine allocation.

/// <summary>A method without parameters.</summary>
internal sealed class RpcMethod<TResult>(
    string name,
    JsonTypeInfo<TResult> result,
    Func<CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        var reader = new RpcParamsReader(call.Params.Span, 0);
        reader.End();
        TResult value = await handler(cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }
}

/// <summary>A method with one parameter.</summary>
internal sealed class RpcMethod<T1, TResult>(
    string name,
    RpcParameter<T1> p1,
    JsonTypeInfo<TResult> result,
    Func<T1, CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        T1 a1 = ReadParams(call.Params.Span);
        TResult value = await handler(a1, cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }

    private T1 ReadParams(ReadOnlySpan<byte> json)
    {
        var reader = new RpcParamsReader(json, 1);
        T1 a1 = reader.Read(p1);
        reader.End();
        return a1;
    }
}

/// <summary>A method with two parameters.</summary>
internal sealed class RpcMethod<T1, T2, TResult>(
    string name,
    RpcParameter<T1> p1,
    RpcParameter<T2> p2,
    JsonTypeInfo<TResult> result,
    Func<T1, T2, CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        (T1 a1, T2 a2) = ReadParams(call.Params.Span);
        TResult value = await handler(a1, a2, cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }

    private (T1, T2) ReadParams(ReadOnlySpan<byte> json)
    {
        var reader = new RpcParamsReader(json, 2);
        T1 a1 = reader.Read(p1);
        T2 a2 = reader.Read(p2);
        reader.End();
        return (a1, a2);
    }
}

/// <summary>A method with three parameters.</summary>
internal sealed class RpcMethod<T1, T2, T3, TResult>(
    string name,
    RpcParameter<T1> p1,
    RpcParameter<T2> p2,
    RpcParameter<T3> p3,
    JsonTypeInfo<TResult> result,
    Func<T1, T2, T3, CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        (T1 a1, T2 a2, T3 a3) = ReadParams(call.Params.Span);
        TResult value = await handler(a1, a2, a3, cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }

    private (T1, T2, T3) ReadParams(ReadOnlySpan<byte> json)
    {
        var reader = new RpcParamsReader(json, 3);
        T1 a1 = reader.Read(p1);
        T2 a2 = reader.Read(p2);
        T3 a3 = reader.Read(p3);
        reader.End();
        return (a1, a2, a3);
    }
}

/// <summary>A method with four parameters.</summary>
internal sealed class RpcMethod<T1, T2, T3, T4, TResult>(
    string name,
    RpcParameter<T1> p1,
    RpcParameter<T2> p2,
    RpcParameter<T3> p3,
    RpcParameter<T4> p4,
    JsonTypeInfo<TResult> result,
    Func<T1, T2, T3, T4, CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        (T1 a1, T2 a2, T3 a3, T4 a4) = ReadParams(call.Params.Span);
        TResult value = await handler(a1, a2, a3, a4, cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }

    private (T1, T2, T3, T4) ReadParams(ReadOnlySpan<byte> json)
    {
        var reader = new RpcParamsReader(json, 4);
        T1 a1 = reader.Read(p1);
        T2 a2 = reader.Read(p2);
        T3 a3 = reader.Read(p3);
        T4 a4 = reader.Read(p4);
        reader.End();
        return (a1, a2, a3, a4);
    }
}

/// <summary>A method with five parameters (geth's widest admin method, admin_startHTTP, has five).</summary>
internal sealed class RpcMethod<T1, T2, T3, T4, T5, TResult>(
    string name,
    RpcParameter<T1> p1,
    RpcParameter<T2> p2,
    RpcParameter<T3> p3,
    RpcParameter<T4> p4,
    RpcParameter<T5> p5,
    JsonTypeInfo<TResult> result,
    Func<T1, T2, T3, T4, T5, CancellationToken, ValueTask<TResult>> handler) : RpcMethod(name)
{
    public override async ValueTask InvokeAsync(RpcCall call, CancellationToken cancellationToken)
    {
        (T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) = ReadParams(call.Params.Span);
        TResult value = await handler(a1, a2, a3, a4, a5, cancellationToken).ConfigureAwait(false);
        call.Response.WriteResult(call.Id.Span, value, result);
    }

    private (T1, T2, T3, T4, T5) ReadParams(ReadOnlySpan<byte> json)
    {
        var reader = new RpcParamsReader(json, 5);
        T1 a1 = reader.Read(p1);
        T2 a2 = reader.Read(p2);
        T3 a3 = reader.Read(p3);
        T4 a4 = reader.Read(p4);
        T5 a5 = reader.Read(p5);
        reader.End();
        return (a1, a2, a3, a4, a5);
    }
}
