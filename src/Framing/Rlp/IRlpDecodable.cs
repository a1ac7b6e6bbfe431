namespace Devp2p.Framing.Rlp;

/// <summary>
/// A type that can be decoded from RLP through a static factory, so generic code
/// (<see cref="RlpCodec.Decode{T}"/>, <see cref="RlpReader.Read{T}"/>) can create one without
/// reflection, boxing or a parameterless constructor.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IRlpDecodable<TSelf>
    where TSelf : IRlpDecodable<TSelf>
{
    /// <summary>
    /// Reads one value (normally one item) from <paramref name="reader"/>, leaving it after that item.
    /// A list-shaped type reads its list with <see cref="RlpReader.ReadList"/>, its fields from the
    /// returned reader, and calls <see cref="RlpReader.EnsureEnd"/> on it unless it deliberately
    /// tolerates extra fields (as devp2p's forward-compatible messages do).
    /// </summary>
    /// <param name="reader">The reader, positioned at the value.</param>
    /// <returns>The decoded value.</returns>
    /// <exception cref="RlpException">The input is malformed, non-canonical or of the wrong shape.</exception>
    static abstract TSelf Decode(ref RlpReader reader);
}
