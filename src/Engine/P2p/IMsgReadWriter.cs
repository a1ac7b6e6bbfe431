namespace Devp2p;

/// <summary>
/// Reads and writes the messages of one protocol on one peer: go-ethereum's <c>p2p.MsgReadWriter</c>,
/// handed to <see cref="Protocol.Run"/>. Codes are relative to the protocol; the engine adds the
/// protocol's offset on the wire. All members are safe to call from several tasks at once.
/// </summary>
public interface IMsgReadWriter : IMsgReader, IMsgWriter
{
}
