namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>
/// Message handlers by type. Registration copies the table (it is rare); lookups read a snapshot
/// without locks, by the type's characters, so dispatch allocates no string.
/// </summary>
internal sealed class NodeIpcHandlerTable
{
    private readonly Lock _gate = new();
    private Snapshot _snapshot = new(new Dictionary<string, NodeIpcHandler[]>(StringComparer.Ordinal));

    public void Add(string type, NodeIpcHandler handler)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            var copy = new Dictionary<string, NodeIpcHandler[]>(_snapshot.Handlers, StringComparer.Ordinal);
            copy[type] = copy.TryGetValue(type, out NodeIpcHandler[]? existing) ? [.. existing, handler] : [handler];
            Volatile.Write(ref _snapshot, new Snapshot(copy));
        }
    }

    public bool Remove(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            if (!_snapshot.Handlers.ContainsKey(type))
            {
                return false;
            }

            var copy = new Dictionary<string, NodeIpcHandler[]>(_snapshot.Handlers, StringComparer.Ordinal);
            copy.Remove(type);
            Volatile.Write(ref _snapshot, new Snapshot(copy));
            return true;
        }
    }

    public NodeIpcHandler[]? Find(ReadOnlySpan<char> type) =>
        Volatile.Read(ref _snapshot).Lookup.TryGetValue(type, out NodeIpcHandler[]? handlers) ? handlers : null;

    private sealed class Snapshot(Dictionary<string, NodeIpcHandler[]> handlers)
    {
        public Dictionary<string, NodeIpcHandler[]> Handlers { get; } = handlers;

        public Dictionary<string, NodeIpcHandler[]>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } =
            handlers.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
