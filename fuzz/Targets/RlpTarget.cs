using Devp2p.Framing.Rlp;

namespace Devp2p.Fuzz.Targets;

/// <summary>
/// RLP: validates the input as one item, then walks it with <see cref="RlpReader"/> reading every
/// byte string as bytes and as each integer width, so every read path sees hostile bytes. The
/// walker is iterative-by-depth-limit: nesting beyond 64 levels is skipped, not recursed into.
/// </summary>
internal sealed class RlpTarget : IFuzzTarget
{
    private const int MaxWalkDepth = 64;

    public string Name => "rlp";

    public string Description => "RlpCodec.Validate and a full RlpReader walk (bytes, integers, UInt256, strings)";

    public void Run(ReadOnlySpan<byte> input)
    {
        RlpCodec.Validate(input);
        var reader = new RlpReader(input);
        Walk(ref reader, 0);
        reader.EnsureEnd();
    }

    public bool IsExpected(Exception exception) => exception is RlpException;

    private static void Walk(ref RlpReader reader, int depth)
    {
        while (!reader.IsAtEnd)
        {
            if (reader.PeekKind() == RlpKind.List)
            {
                if (depth >= MaxWalkDepth)
                {
                    reader.Skip();
                    continue;
                }

                RlpReader inner = reader.ReadList();
                Walk(ref inner, depth + 1);
                inner.EnsureEnd();
                continue;
            }

            ReadOnlySpan<byte> item = reader.ReadEncodedItem();
            TryIntegerReads(item);
            var bytesReader = new RlpReader(item);
            _ = bytesReader.ReadBytes();
            bytesReader.EnsureEnd();
        }
    }

    private static void TryIntegerReads(ReadOnlySpan<byte> item)
    {
        // Each read is allowed to reject the item (RlpException); it must never do anything else.
        Attempt(item, static (ref RlpReader r) => r.ReadUInt64());
        Attempt(item, static (ref RlpReader r) => r.ReadUInt32());
        Attempt(item, static (ref RlpReader r) => r.ReadByte());
        Attempt(item, static (ref RlpReader r) => r.ReadBool());
        Attempt(item, static (ref RlpReader r) => r.ReadUInt256());
        Attempt(item, static (ref RlpReader r) => r.ReadString());
    }

    private delegate T Reader<T>(ref RlpReader reader);

    private static void Attempt<T>(ReadOnlySpan<byte> item, Reader<T> read)
    {
        try
        {
            var reader = new RlpReader(item);
            _ = read(ref reader);
        }
        catch (RlpException)
        {
        }
    }
}
