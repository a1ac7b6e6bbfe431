using Devp2p.Framing.Rlp;

namespace Devp2p;

/// <summary>
/// One element of a message built with <see cref="Messaging.SendItemsAsync(IMsgWriter, ulong, IReadOnlyList{RlpItem}, CancellationToken)"/>:
/// an unsigned integer, a byte string, a UTF-8 string, pre-encoded RLP, or any <see cref="IRlpEncodable"/>.
/// Implicit conversions make <c>SendItemsAsync(w, code, 1UL, "hi", bytes)</c> read as go's <c>SendItems</c>.
/// </summary>
public readonly struct RlpItem : IRlpEncodable
{
    private readonly Kind _kind;
    private readonly ulong _integer;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _string;
    private readonly IRlpEncodable? _value;

    private RlpItem(Kind kind, ulong integer = 0, ReadOnlyMemory<byte> bytes = default, string? text = null, IRlpEncodable? value = null)
    {
        _kind = kind;
        _integer = integer;
        _bytes = bytes;
        _string = text;
        _value = value;
    }

    private enum Kind : byte
    {
        Integer,
        Bytes,
        String,
        Raw,
        Value,
    }

    /// <summary>An unsigned integer, encoded canonically.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator RlpItem(ulong value) => new(Kind.Integer, integer: value);

    /// <summary>A byte string.</summary>
    /// <param name="value">The bytes; read when the message is encoded.</param>
    public static implicit operator RlpItem(byte[] value) => new(Kind.Bytes, bytes: value);

    /// <summary>A byte string.</summary>
    /// <param name="value">The bytes; read when the message is encoded.</param>
    public static implicit operator RlpItem(ReadOnlyMemory<byte> value) => new(Kind.Bytes, bytes: value);

    /// <summary>A string, encoded as its UTF-8 bytes.</summary>
    /// <param name="value">The text.</param>
    public static implicit operator RlpItem(string value) => new(Kind.String, text: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Already-encoded RLP (one complete item), copied as is.</summary>
    /// <param name="encoded">The encoded item.</param>
    /// <returns>The item.</returns>
    public static RlpItem Raw(ReadOnlyMemory<byte> encoded) => new(Kind.Raw, bytes: encoded);

    /// <summary>Any encodable value (boxed once; for hot paths encode the message type directly with <see cref="Messaging.SendAsync{T}"/>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The item.</returns>
    public static RlpItem From(IRlpEncodable value) => new(Kind.Value, value: value ?? throw new ArgumentNullException(nameof(value)));

    /// <inheritdoc/>
    public int GetRlpLength() => _kind switch
    {
        Kind.Integer => RlpCodec.GetIntegerLength(_integer),
        Kind.Bytes => RlpCodec.GetByteStringLength(_bytes.Span),
        Kind.String => RlpCodec.GetStringLength(_string),
        Kind.Raw => _bytes.Length,
        _ => _value!.GetRlpLength(),
    };

    /// <inheritdoc/>
    public void Encode(ref RlpWriter writer)
    {
        switch (_kind)
        {
            case Kind.Integer:
                writer.WriteUInt64(_integer);
                break;
            case Kind.Bytes:
                writer.WriteBytes(_bytes.Span);
                break;
            case Kind.String:
                writer.WriteString(_string);
                break;
            case Kind.Raw:
                writer.WriteEncoded(_bytes.Span);
                break;
            default:
                _value!.Encode(ref writer);
                break;
        }
    }
}
