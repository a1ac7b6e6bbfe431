using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// One positional parameter of a registered method: how to decode it, and whether it may be left
/// out (go-ethereum lets trailing pointer-typed arguments be missing; here nullable ones may be).
/// </summary>
internal readonly struct RpcParameter<T>(JsonTypeInfo<T> typeInfo, bool isOptional)
{
    public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

    /// <summary>Whether the argument may be missing or null; it then arrives as null.</summary>
    public bool IsOptional { get; } = isOptional;

    /// <summary>
    /// Describes parameter <paramref name="index"/> of <paramref name="handler"/>. A
    /// <see cref="Nullable{T}"/> value type is optional; a reference type is optional when the
    /// handler declares it nullable (<c>string?</c>), read once here from the compiler's nullable
    /// metadata the way ASP.NET Core minimal APIs do. Where that metadata is not available
    /// (trimmed apps that disable <see cref="NullabilityInfoContext"/>), reference types are required.
    /// </summary>
    public static RpcParameter<T> For(JsonTypeInfo<T> typeInfo, Delegate handler, int index)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (typeof(T).IsValueType)
        {
            return new RpcParameter<T>(typeInfo, Nullable.GetUnderlyingType(typeof(T)) is not null);
        }

        bool optional = false;
        try
        {
            ParameterInfo[] parameters = handler.Method.GetParameters();
            if (index < parameters.Length)
            {
                optional = new NullabilityInfoContext().Create(parameters[index]).ReadState == NullabilityState.Nullable;
            }
        }
        catch (InvalidOperationException)
        {
            // NullabilityInfoContext is switched off in this app; keep the parameter required.
        }

        return new RpcParameter<T>(typeInfo, optional);
    }
}
