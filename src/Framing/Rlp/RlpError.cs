namespace Devp2p.Framing.Rlp;

/// <summary>
/// The rule an input broke, carried by <see cref="RlpException.Error"/> so callers and tests can
/// branch on the failure without parsing the message. The names follow the errors of
/// go-ethereum's <c>rlp</c> package where one exists.
/// </summary>
public enum RlpError
{
    /// <summary>A failure raised by code outside the codec (for example a field validated by a decoder).</summary>
    InvalidValue = 0,

    /// <summary>
    /// No item where one was expected, or the input ends inside an item's size field (geth:
    /// <c>io.ErrUnexpectedEOF</c>, <c>EOL</c>).
    /// </summary>
    UnexpectedEnd,

    /// <summary>An item declares more payload than the input holds (geth: <c>ErrValueTooLarge</c>).</summary>
    ValueTooLarge,

    /// <summary>
    /// An item inside a list declares more payload than remains in that list (geth:
    /// <c>ErrElemTooLarge</c>).
    /// </summary>
    ElementTooLarge,

    /// <summary>
    /// A size that is not in its one canonical form: a single byte below 0x80 wrapped in a 1-byte
    /// string, the long form for a size below 56, or a size field with a leading zero byte (geth:
    /// <c>ErrCanonSize</c>).
    /// </summary>
    NonCanonicalSize,

    /// <summary>
    /// An integer with a leading zero byte, including the single byte 0x00 (zero is 0x80) (geth:
    /// <c>ErrCanonInt</c>).
    /// </summary>
    NonCanonicalInteger,

    /// <summary>An integer wider than the type it is read into (geth: <c>errUintOverflow</c>).</summary>
    IntegerOverflow,

    /// <summary>A list where a byte string was expected (geth: <c>ErrExpectedString</c>).</summary>
    ExpectedByteString,

    /// <summary>A byte string where a list was expected (geth: <c>ErrExpectedList</c>).</summary>
    ExpectedList,

    /// <summary>
    /// Bytes left over after the one value the input should hold, or unread items at the end of a
    /// list (geth: <c>ErrMoreThanOneValue</c>, <c>errNotAtEOL</c>).
    /// </summary>
    TrailingBytes,

    /// <summary>A boolean other than 0 (0x80) or 1 (0x01).</summary>
    InvalidBoolean,

    /// <summary>A byte string whose length differs from the fixed length the field requires.</summary>
    UnexpectedLength,

    /// <summary>A byte string read as text that is not well-formed UTF-8.</summary>
    InvalidUtf8,
}
