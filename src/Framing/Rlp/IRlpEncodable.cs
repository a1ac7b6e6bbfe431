namespace Devp2p.Framing.Rlp;

/// <summary>
/// A value that knows its RLP encoding and its exact encoded length, so it can be written in one
/// pass into a buffer of exactly that size (see <see cref="RlpCodec.Encode{T}(in T, Span{byte})"/>).
/// </summary>
/// <remarks>
/// Implement it on structs and call the generic helpers: the constrained calls are neither boxed
/// nor reflected over. A typical list-shaped message computes its content length in one private
/// method used by both members: <c>GetRlpLength() =&gt; RlpCodec.GetListLength(ContentLength())</c>
/// and <c>Encode</c> starts with <c>writer.WriteListHeader(ContentLength())</c>.
/// </remarks>
public interface IRlpEncodable
{
    /// <summary>
    /// The exact number of bytes <see cref="Encode"/> writes, header included. Must not modify the value.
    /// </summary>
    /// <returns>The encoded length.</returns>
    int GetRlpLength();

    /// <summary>
    /// Writes the value as exactly <see cref="GetRlpLength"/> bytes, normally one item. Must not
    /// modify the value: the helpers pass it by reference without a defensive copy.
    /// </summary>
    /// <param name="writer">The writer to append to.</param>
    void Encode(ref RlpWriter writer);
}
