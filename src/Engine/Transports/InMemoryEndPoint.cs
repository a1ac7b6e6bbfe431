using System.Net;

namespace Devp2p.Transports;

/// <summary>The address of one end of an <see cref="InMemoryTransport"/> pair; it only names the end.</summary>
public sealed class InMemoryEndPoint : EndPoint
{
    /// <summary>Creates an endpoint with a display name.</summary>
    /// <param name="name">The name shown by <see cref="ToString"/>.</param>
    public InMemoryEndPoint(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The display name of this end.</summary>
    public string Name { get; }

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The display name.</returns>
    public override string ToString() => Name;
}
