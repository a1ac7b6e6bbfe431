using Devp2p.Framing.Rlp;

namespace Devp2p.Internal;

/// <summary>An RLP list of <see cref="RlpItem"/>s: the payload go's <c>SendItems</c> builds.</summary>
internal readonly struct RlpItemList(IReadOnlyList<RlpItem> items) : IRlpEncodable
{
    public int GetRlpLength() => RlpCodec.GetListLength(ContentLength());

    public void Encode(ref RlpWriter writer)
    {
        writer.WriteListHeader(ContentLength());
        for (int i = 0; i < items.Count; i++)
        {
            writer.Write(items[i]);
        }
    }

    private int ContentLength()
    {
        int length = 0;
        for (int i = 0; i < items.Count; i++)
        {
            length += items[i].GetRlpLength();
        }

        return length;
    }
}
