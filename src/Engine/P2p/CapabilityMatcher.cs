namespace Devp2p;

/// <summary>
/// Picks the subprotocols to run on a connection and their message-code offsets, exactly as
/// go-ethereum's <c>matchProtocols</c> (<c>p2p/peer.go</c>) does, so both ends agree on which code
/// belongs to which protocol.
/// </summary>
internal static class CapabilityMatcher
{
    /// <summary>
    /// Matches the remote capabilities against ours. A remote capability matches one of our
    /// protocols with the same name and version (the first such protocol of ours, if we list one
    /// twice). The remote capabilities are walked sorted by name, then version, so for each name the
    /// highest shared version is the one kept; offsets are assigned in that order starting at 16,
    /// each protocol taking <see cref="ProtocolSpec.Length"/> codes.
    /// </summary>
    /// <param name="ours">Our protocols; several versions of one name may be listed.</param>
    /// <param name="theirs">The capabilities from the remote Hello; not modified (a sorted copy is used).</param>
    /// <returns>The matched protocols in ascending offset order; empty when nothing is shared.</returns>
    public static List<MatchedProtocol> Match(ReadOnlySpan<ProtocolSpec> ours, ReadOnlySpan<Cap> theirs)
    {
        // go-ethereum sorts the peer's cap slice in place; we sort a copy so the Hello we report
        // keeps the order the peer sent.
        Cap[] sorted = theirs.ToArray();
        Array.Sort(sorted);

        var result = new List<MatchedProtocol>();
        uint offset = BaseProtocol.Length;
        foreach (Cap cap in sorted)
        {
            int index = IndexOf(ours, cap);
            if (index < 0)
            {
                continue;
            }

            // Caps of one name are adjacent after sorting, so an earlier (lower) match of this name
            // is the last entry: take it back and let the higher version have its offset.
            if (result.Count > 0 && string.Equals(result[^1].Name, cap.Name, StringComparison.Ordinal))
            {
                offset -= result[^1].Length;
                result.RemoveAt(result.Count - 1);
            }

            ProtocolSpec protocol = ours[index];
            result.Add(new MatchedProtocol(protocol, offset));
            offset += protocol.Length;
        }

        return result;
    }

    private static int IndexOf(ReadOnlySpan<ProtocolSpec> ours, Cap cap)
    {
        for (int i = 0; i < ours.Length; i++)
        {
            if (ours[i].Version == cap.Version && string.Equals(ours[i].Name, cap.Name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
