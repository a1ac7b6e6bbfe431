using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

// The typed subscription sources, one per argument count after the subscription name.

/// <summary>A subscription without arguments besides its name.</summary>
internal sealed class RpcSubscriptionSource<T>(
    string ns,
    string name,
    JsonTypeInfo<T> itemType,
    Func<CancellationToken, IAsyncEnumerable<T>> source) : RpcSubscriptionSource(ns, name)
{
    public override ServerSubscription Create(ReadOnlySpan<byte> paramsJson, RpcServerConnection connection, string id)
    {
        var reader = new RpcParamsReader(paramsJson, 1);
        reader.ReadSubscriptionName();
        reader.End();
        return new ServerSubscription<T>(connection, Namespace, id, itemType, source);
    }
}

/// <summary>A subscription with one argument after its name.</summary>
internal sealed class RpcSubscriptionSource<T1, T>(
    string ns,
    string name,
    RpcParameter<T1> p1,
    JsonTypeInfo<T> itemType,
    Func<T1, CancellationToken, IAsyncEnumerable<T>> source) : RpcSubscriptionSource(ns, name)
{
    public override ServerSubscription Create(ReadOnlySpan<byte> paramsJson, RpcServerConnection connection, string id)
    {
        var reader = new RpcParamsReader(paramsJson, 2);
        reader.ReadSubscriptionName();
        T1 a1 = reader.Read(p1);
        reader.End();
        return new ServerSubscription<T>(connection, Namespace, id, itemType, ct => source(a1, ct));
    }
}
