using Devp2p.Framing.Rlp;
using Devp2p.Internal;

namespace Devp2p;

/// <summary>
/// One received message of a protocol: go-ethereum's <c>p2p.Msg</c>. The payload is the message's
/// RLP content after snappy decompression, held in a pooled buffer that the <see cref="Msg"/> owns.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: whoever receives a <see cref="Msg"/> (from <see cref="IMsgReader.ReadMsgAsync"/>)
/// must dispose it exactly once, which returns the buffer to the pool; a handler that wants to keep
/// the bytes copies them out first. Not reading the payload is fine, but it is explicit: call
/// <see cref="Discard"/> (an alias of <see cref="Dispose"/>), as go-ethereum's <c>Msg.Discard</c>.
/// </para>
/// <para>
/// The struct is a handle: copies share the buffer. Disposing a second copy does nothing, and
/// reading <see cref="Payload"/> through any copy after disposal throws
/// <see cref="ObjectDisposedException"/> rather than showing another message's bytes. A
/// <c>default</c> <see cref="Msg"/> has code 0 and an empty payload.
/// </para>
/// </remarks>
public readonly struct Msg : IDisposable
{
    private readonly MsgBuffer? _buffer;
    private readonly int _generation;

    internal Msg(ulong code, MsgBuffer? buffer, uint size, DateTime receivedAt)
    {
        Code = code;
        _buffer = buffer;
        _generation = buffer?.Generation ?? 0;
        Size = size;
        ReceivedAt = receivedAt;
    }

    private Msg(ulong code, MsgBuffer? buffer, int generation, uint size, DateTime receivedAt)
    {
        Code = code;
        _buffer = buffer;
        _generation = generation;
        Size = size;
        ReceivedAt = receivedAt;
    }

    /// <summary>The message code within its protocol (0 to the protocol's Length - 1).</summary>
    public ulong Code { get; }

    /// <summary>The payload size in bytes, after decompression.</summary>
    public uint Size { get; }

    /// <summary>When the last byte of the message's frame was read from the connection (UTC).</summary>
    public DateTime ReceivedAt { get; }

    /// <summary>The payload: the RLP-encoded message content. Valid until the message is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The message was disposed.</exception>
    public ReadOnlySpan<byte> Payload => _buffer is null ? default : _buffer.GetSpan(_generation);

    /// <summary>The payload as memory, for APIs that need it. Valid until the message is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The message was disposed.</exception>
    public ReadOnlyMemory<byte> PayloadMemory => _buffer is null ? default : _buffer.GetMemory(_generation);

    /// <summary>
    /// Creates a message with a pooled copy of <paramref name="payload"/>, for tests and for
    /// in-memory pipes; dispose it as any other received message.
    /// </summary>
    /// <param name="code">The message code.</param>
    /// <param name="payload">The payload; copied.</param>
    /// <returns>The message, owning its copy.</returns>
    public static Msg Create(ulong code, ReadOnlySpan<byte> payload) =>
        new(code, MsgBuffer.Copy(payload), (uint)payload.Length, DateTime.UtcNow);

    /// <summary>
    /// Decodes the payload as one <typeparamref name="T"/>, which must span the whole payload (go's
    /// <c>Msg.Decode</c>). The message stays owned by the caller: dispose it afterwards.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <returns>The decoded value.</returns>
    /// <exception cref="RlpException">The payload is malformed, of the wrong shape, or has trailing bytes.</exception>
    /// <exception cref="ObjectDisposedException">The message was disposed.</exception>
    public T Decode<T>()
        where T : IRlpDecodable<T> => RlpCodec.Decode<T>(Payload);

    /// <summary>The same message (sharing the payload) under another code: the engine's protocol-offset translation.</summary>
    internal Msg WithCode(ulong code) => new(code, _buffer, _generation, Size, ReceivedAt);

    /// <summary>Releases the payload without reading it: the same as <see cref="Dispose"/>, named for intent.</summary>
    public void Discard() => Dispose();

    /// <summary>Returns the payload buffer to the pool. Only the first call on any copy has an effect.</summary>
    public void Dispose() => _buffer?.Release(_generation);

    /// <summary>Returns a short description for logs: code and size.</summary>
    /// <returns>For example "msg #0x10 (1024 bytes)".</returns>
    public override string ToString() => $"msg #0x{Code:x} ({Size} bytes)";
}
