using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;

namespace Devp2p.Ipc;

/// <summary>
/// The methods and subscriptions an <see cref="RpcServer"/> serves. Methods are named
/// <c>namespace_method</c> as in go-ethereum and take positional parameters; each parameter and
/// result comes with its <see cref="JsonTypeInfo{T}"/> (from a source-generated
/// <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>), so serving needs no reflection.
/// Thread-safe: methods may be added while the server runs.
/// </summary>
/// <remarks>
/// Parameters follow geth's <c>parsePositionalArguments</c>: params must be a JSON array (or be
/// absent or null for none); trailing arguments may be left out, or be null, only where the
/// parameter is optional: a <see cref="Nullable{T}"/> value type, or a reference type the handler
/// declares nullable (write the lambda's parameter types out, as in <c>(string? host, CancellationToken ct) =&gt; …</c>;
/// an implicitly typed lambda parameter counts as required). Extra arguments are an error.
/// The built-in <c>rpc_modules</c> is always registered.
/// <para>
/// A handler is started on the connection's read loop and runs there until its first incomplete
/// await; a handler that blocks or computes for long should yield first (<c>await Task.Yield()</c>)
/// so the connection keeps reading. An <see cref="RpcException"/> it throws becomes that error
/// response; any other exception becomes <see cref="RpcErrorCodes.ServerError"/> (-32000) with the
/// exception's message, as geth answers a method that returns an error.
/// </para>
/// </remarks>
public sealed partial class RpcMethodRegistry
{
    private const string SubscribeSuffix = "_subscribe";
    private const string UnsubscribeSuffix = "_unsubscribe";
    private const string NotificationSuffix = "_subscription";

    /// <summary>The version geth's <c>rpc_modules</c> reports for every namespace.</summary>
    private const string ModuleVersion = "1.0";

    private readonly ConcurrentDictionary<string, RpcMethod> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RpcMethod>.AlternateLookup<ReadOnlySpan<char>> _methodsBySpan;
    private readonly ConcurrentDictionary<(string Namespace, string Name), RpcSubscriptionSource> _subscriptions = new();

    /// <summary>Creates a registry holding only the built-in <c>rpc_modules</c>.</summary>
    public RpcMethodRegistry()
    {
        _methodsBySpan = _methods.GetAlternateLookup<ReadOnlySpan<char>>();
        Register(new RpcMethod<SortedDictionary<string, string>>(
            "rpc_modules",
            RpcJsonContext.Default.SortedDictionaryStringString,
            _ => new ValueTask<SortedDictionary<string, string>>(BuildModules())));
    }

    /// <summary>Registers a method without parameters.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<TResult>(string name, JsonTypeInfo<TResult> resultType, Func<CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<TResult>(name, resultType, handler));
    }

    /// <summary>Registers a method with one parameter.</summary>
    /// <typeparam name="T1">The parameter type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="parameter1Type">Decodes the first argument.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<T1, TResult>(
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<TResult> resultType,
        Func<T1, CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<T1, TResult>(
            name,
            RpcParameter<T1>.For(parameter1Type, handler, 0),
            resultType,
            handler));
    }

    /// <summary>Registers a method with two parameters.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="parameter1Type">Decodes the first argument.</param>
    /// <param name="parameter2Type">Decodes the second argument.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<T1, T2, TResult>(
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<T2> parameter2Type,
        JsonTypeInfo<TResult> resultType,
        Func<T1, T2, CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<T1, T2, TResult>(
            name,
            RpcParameter<T1>.For(parameter1Type, handler, 0),
            RpcParameter<T2>.For(parameter2Type, handler, 1),
            resultType,
            handler));
    }

    /// <summary>Registers a method with three parameters.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="parameter1Type">Decodes the first argument.</param>
    /// <param name="parameter2Type">Decodes the second argument.</param>
    /// <param name="parameter3Type">Decodes the third argument.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<T1, T2, T3, TResult>(
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<T2> parameter2Type,
        JsonTypeInfo<T3> parameter3Type,
        JsonTypeInfo<TResult> resultType,
        Func<T1, T2, T3, CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<T1, T2, T3, TResult>(
            name,
            RpcParameter<T1>.For(parameter1Type, handler, 0),
            RpcParameter<T2>.For(parameter2Type, handler, 1),
            RpcParameter<T3>.For(parameter3Type, handler, 2),
            resultType,
            handler));
    }

    /// <summary>Registers a method with four parameters.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="T4">The fourth parameter type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="parameter1Type">Decodes the first argument.</param>
    /// <param name="parameter2Type">Decodes the second argument.</param>
    /// <param name="parameter3Type">Decodes the third argument.</param>
    /// <param name="parameter4Type">Decodes the fourth argument.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<T1, T2, T3, T4, TResult>(
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<T2> parameter2Type,
        JsonTypeInfo<T3> parameter3Type,
        JsonTypeInfo<T4> parameter4Type,
        JsonTypeInfo<TResult> resultType,
        Func<T1, T2, T3, T4, CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<T1, T2, T3, T4, TResult>(
            name,
            RpcParameter<T1>.For(parameter1Type, handler, 0),
            RpcParameter<T2>.For(parameter2Type, handler, 1),
            RpcParameter<T3>.For(parameter3Type, handler, 2),
            RpcParameter<T4>.For(parameter4Type, handler, 3),
            resultType,
            handler));
    }

    /// <summary>Registers a method with five parameters.</summary>
    /// <typeparam name="T1">The first parameter type.</typeparam>
    /// <typeparam name="T2">The second parameter type.</typeparam>
    /// <typeparam name="T3">The third parameter type.</typeparam>
    /// <typeparam name="T4">The fourth parameter type.</typeparam>
    /// <typeparam name="T5">The fifth parameter type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The method name, <c>namespace_method</c>.</param>
    /// <param name="parameter1Type">Decodes the first argument.</param>
    /// <param name="parameter2Type">Decodes the second argument.</param>
    /// <param name="parameter3Type">Decodes the third argument.</param>
    /// <param name="parameter4Type">Decodes the fourth argument.</param>
    /// <param name="parameter5Type">Decodes the fifth argument.</param>
    /// <param name="resultType">Serializes the result.</param>
    /// <param name="handler">Runs the call; the token is canceled when the connection closes.</param>
    /// <exception cref="ArgumentException">The name is malformed or already registered.</exception>
    public void Add<T1, T2, T3, T4, T5, TResult>(
        string name,
        JsonTypeInfo<T1> parameter1Type,
        JsonTypeInfo<T2> parameter2Type,
        JsonTypeInfo<T3> parameter3Type,
        JsonTypeInfo<T4> parameter4Type,
        JsonTypeInfo<T5> parameter5Type,
        JsonTypeInfo<TResult> resultType,
        Func<T1, T2, T3, T4, T5, CancellationToken, ValueTask<TResult>> handler)
    {
        CheckArguments(name, resultType, handler);
        Register(new RpcMethod<T1, T2, T3, T4, T5, TResult>(
            name,
            RpcParameter<T1>.For(parameter1Type, handler, 0),
            RpcParameter<T2>.For(parameter2Type, handler, 1),
            RpcParameter<T3>.For(parameter3Type, handler, 2),
            RpcParameter<T4>.For(parameter4Type, handler, 3),
            RpcParameter<T5>.For(parameter5Type, handler, 4),
            resultType,
            handler));
    }

    /// <summary>Whether a method of this name is registered (subscriptions are not methods).</summary>
    /// <param name="name">The method name.</param>
    /// <returns>True when registered.</returns>
    public bool Contains(string name) => _methods.ContainsKey(name);

    /// <summary>Removes a method.</summary>
    /// <param name="name">The method name.</param>
    /// <returns>True when it was registered.</returns>
    public bool Remove(string name) => _methods.TryRemove(name, out _);

    /// <summary>
    /// The namespaces served, each with version "1.0", as <c>rpc_modules</c> returns them: one per
    /// method-name prefix and subscription namespace, "rpc" included.
    /// </summary>
    /// <returns>A sorted snapshot.</returns>
    public IReadOnlyDictionary<string, string> GetModules() => BuildModules();

    internal RpcMethod? Find(ReadOnlySpan<char> name) => _methodsBySpan.TryGetValue(name, out RpcMethod? method) ? method : null;

    internal RpcSubscriptionSource? FindSubscription(string ns, string name) =>
        _subscriptions.TryGetValue((ns, name), out RpcSubscriptionSource? source) ? source : null;

    private SortedDictionary<string, string> BuildModules()
    {
        var modules = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in _methods.Keys)
        {
            modules[name[..name.IndexOf('_')]] = ModuleVersion;
        }

        foreach ((string ns, _) in _subscriptions.Keys)
        {
            modules[ns] = ModuleVersion;
        }

        return modules;
    }

    private void Register(RpcMethod method)
    {
        if (!_methods.TryAdd(method.Name, method))
        {
            throw new ArgumentException($"A method named '{method.Name}' is already registered.", nameof(method));
        }
    }

    private static void CheckArguments(string name, object resultType, object handler)
    {
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(name);
        int separator = name.IndexOf('_');
        if (separator <= 0 || separator == name.Length - 1)
        {
            throw new ArgumentException($"'{name}' is not a method name of the form namespace_method.", nameof(name));
        }

        // These suffixes are routed by the server itself, as in geth: a method so named would never run.
        if (name.EndsWith(SubscribeSuffix, StringComparison.Ordinal)
            || name.EndsWith(UnsubscribeSuffix, StringComparison.Ordinal)
            || name.EndsWith(NotificationSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{name}' ends with {SubscribeSuffix}, {UnsubscribeSuffix} or {NotificationSuffix}, which are reserved for subscriptions; use AddSubscription.",
                nameof(name));
        }
    }
}
