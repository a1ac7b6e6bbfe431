using System.Text.Json;

namespace Devp2p.Cli.Attach;

/// <summary>One line typed into <c>devp2p attach</c>: a method and its positional parameters.</summary>
internal sealed class AttachRequest
{
    private const string SubscribeSuffix = "_subscribe";

    /// <summary>The method, <c>namespace_method</c>, for example <c>admin_addPeer</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The parameters in order, each a JSON value (parsed elements that own no pooled memory).</summary>
    public required IReadOnlyList<JsonElement> Params { get; init; }

    /// <summary>The method's namespace, the part before the first underscore (<c>admin</c>).</summary>
    public string Namespace => Method[..Method.IndexOf('_', StringComparison.Ordinal)];

    /// <summary>Whether the method opens a subscription (<c>{ns}_subscribe</c>), whose notifications stream until stopped.</summary>
    public bool IsSubscription => Method.EndsWith(SubscribeSuffix, StringComparison.Ordinal);
}
