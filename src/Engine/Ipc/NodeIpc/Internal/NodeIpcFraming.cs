using System.Buffers;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Splits a byte stream into delimiter-terminated messages.</summary>
internal static class NodeIpcFraming
{
    /// <summary>
    /// Takes the next complete message (without its delimiter) off the front of
    /// <paramref name="buffer"/>. <paramref name="scanned"/> remembers how many leading bytes of the
    /// remaining buffer are known to hold no delimiter, so a message arriving in many reads is
    /// searched once, not once per read; it is reset when a message is taken.
    /// </summary>
    /// <returns>False when the buffer holds no complete message yet.</returns>
    public static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> delimiter, ref long scanned, out ReadOnlySequence<byte> message)
    {
        // A delimiter may straddle the end of what was scanned before: back up by its length minus one.
        long start = Math.Max(0, scanned - (delimiter.Length - 1));
        var reader = new SequenceReader<byte>(start == 0 ? buffer : buffer.Slice(start));
        bool found = delimiter.Length == 1
            ? reader.TryReadTo(out ReadOnlySequence<byte> before, delimiter[0])
            : reader.TryReadTo(out before, delimiter);
        if (!found)
        {
            scanned = buffer.Length;
            message = default;
            return false;
        }

        message = buffer.Slice(buffer.Start, before.End);
        buffer = buffer.Slice(reader.Position);
        scanned = 0;
        return true;
    }
}
