using Devp2p.Framing.Rlp;

namespace Devp2p.Cli.FooBar;

/// <summary>The foo/bar example's only message: an RLP list holding one string, <c>["foo"]</c> or <c>["bar"]</c>.</summary>
/// <param name="Text">The word.</param>
internal readonly record struct FooBarMessage(string Text) : IRlpEncodable, IRlpDecodable<FooBarMessage>
{
    /// <inheritdoc/>
    public int GetRlpLength() => RlpCodec.GetListLength(RlpCodec.GetStringLength(Text));

    /// <inheritdoc/>
    public void Encode(ref RlpWriter writer)
    {
        writer.WriteListHeader(RlpCodec.GetStringLength(Text));
        writer.WriteString(Text);
    }

    /// <inheritdoc/>
    public static FooBarMessage Decode(ref RlpReader reader)
    {
        RlpReader items = reader.ReadList();
        return new FooBarMessage(items.ReadString());
    }
}
