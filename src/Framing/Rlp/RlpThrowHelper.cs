using System.Diagnostics.CodeAnalysis;

namespace Devp2p.Framing.Rlp;

/// <summary>
/// Every throw site of the RLP codec. Kept out of the readers and writers so their hot methods stay
/// small enough to inline and the message formatting is paid only on failure (the pattern of
/// dotnet/runtime <c>System.IO.Pipelines/ThrowHelper.cs</c>).
/// </summary>
internal static class RlpThrowHelper
{
    [DoesNotReturn]
    public static void ThrowUnexpectedEnd(int offset, bool inList) =>
        throw new RlpException(
            RlpError.UnexpectedEnd,
            offset,
            inList
                ? $"RLP list ends at offset {offset} where another item was expected."
                : $"RLP input ends at offset {offset} where an item was expected.");

    [DoesNotReturn]
    public static void ThrowSizeFieldTruncated(int offset, RlpKind kind, int sizeFieldLength, int available, bool inList) =>
        throw new RlpException(
            RlpError.UnexpectedEnd,
            offset,
            $"RLP {Describe(kind)} at offset {offset} has a {sizeFieldLength}-byte size field but only {available} " +
            $"byte(s) remain in the {Container(inList)}.");

    [DoesNotReturn]
    public static void ThrowPayloadTooLarge(int offset, RlpKind kind, ulong declared, int available, bool inList) =>
        throw new RlpException(
            inList ? RlpError.ElementTooLarge : RlpError.ValueTooLarge,
            offset,
            $"RLP {Describe(kind)} at offset {offset} declares {declared} byte(s) of payload but only {available} " +
            $"byte(s) remain in the {Container(inList)}.");

    [DoesNotReturn]
    public static void ThrowSingleByteNotCanonical(int offset, byte value) =>
        throw new RlpException(
            RlpError.NonCanonicalSize,
            offset,
            $"Non-canonical RLP at offset {offset}: the byte 0x{value:x2} is wrapped in a 1-byte string (0x81 0x{value:x2}); " +
            "bytes below 0x80 must be encoded as themselves.");

    [DoesNotReturn]
    public static void ThrowSizeLeadingZero(int offset, RlpKind kind) =>
        throw new RlpException(
            RlpError.NonCanonicalSize,
            offset,
            $"Non-canonical RLP at offset {offset}: the size field of a long {Describe(kind)} starts with a zero byte.");

    [DoesNotReturn]
    public static void ThrowLongFormForShortSize(int offset, RlpKind kind, ulong size) =>
        throw new RlpException(
            RlpError.NonCanonicalSize,
            offset,
            $"Non-canonical RLP at offset {offset}: a {Describe(kind)} of {size} byte(s) uses the long size form; " +
            $"sizes up to {RlpPrefix.MaxShortLength} must use the one-byte form.");

    [DoesNotReturn]
    public static void ThrowExpectedByteString(int offset, string expected) =>
        throw new RlpException(
            RlpError.ExpectedByteString,
            offset,
            $"Expected an RLP {expected} at offset {offset} but found a list.");

    [DoesNotReturn]
    public static void ThrowExpectedList(int offset) =>
        throw new RlpException(
            RlpError.ExpectedList,
            offset,
            $"Expected an RLP list at offset {offset} but found a byte string.");

    [DoesNotReturn]
    public static void ThrowIntegerZeroByte(int offset) =>
        throw new RlpException(
            RlpError.NonCanonicalInteger,
            offset,
            $"Non-canonical RLP integer at offset {offset}: the byte 0x00 has a leading zero; zero is encoded as 0x80.");

    [DoesNotReturn]
    public static void ThrowIntegerLeadingZero(int offset, int length) =>
        throw new RlpException(
            RlpError.NonCanonicalInteger,
            offset,
            $"Non-canonical RLP integer at offset {offset}: the {length}-byte big-endian value starts with a zero byte.");

    [DoesNotReturn]
    public static void ThrowIntegerOverflow(int offset, int length, int maxBytes, string typeName) =>
        throw new RlpException(
            RlpError.IntegerOverflow,
            offset,
            $"RLP integer at offset {offset} is {length} bytes long, but {typeName} holds at most {maxBytes} byte(s).");

    [DoesNotReturn]
    public static void ThrowTrailingBytes(int offset, int count, bool inList) =>
        throw new RlpException(
            RlpError.TrailingBytes,
            offset,
            inList
                ? $"RLP list has {count} unread byte(s) at offset {offset} where its end was expected."
                : $"RLP input has {count} trailing byte(s) at offset {offset} after the value.");

    [DoesNotReturn]
    public static void ThrowInvalidBoolean(int offset, ulong value) =>
        throw new RlpException(
            RlpError.InvalidBoolean,
            offset,
            $"RLP boolean at offset {offset} has the value {value}; only 0 (0x80) and 1 (0x01) are valid.");

    [DoesNotReturn]
    public static void ThrowUnexpectedLength(int offset, int actual, int expected) =>
        throw new RlpException(
            RlpError.UnexpectedLength,
            offset,
            $"RLP byte string at offset {offset} is {actual} byte(s) long; the field requires exactly {expected}.");

    [DoesNotReturn]
    public static void ThrowInvalidUtf8(int offset, int length) =>
        throw new RlpException(
            RlpError.InvalidUtf8,
            offset,
            $"RLP byte string at offset {offset} ({length} byte(s)) is not well-formed UTF-8.");

    [DoesNotReturn]
    public static void ThrowWriterFull(int needed, int position, int capacity) =>
        throw new InvalidOperationException(
            $"RLP writer destination too small: the next item needs {needed} byte(s) at offset {position}, but the " +
            $"destination holds {capacity} byte(s) ({capacity - position} free). Size it with the Rlp.Get*Length helpers.");

    [DoesNotReturn]
    public static void ThrowDestinationTooSmall(string paramName, int needed, int available) =>
        throw new ArgumentException(
            $"The destination holds {available} byte(s) but the encoding needs {needed}.", paramName);

    [DoesNotReturn]
    public static void ThrowLengthMismatch(Type type, int predicted, int written) =>
        throw new InvalidOperationException(
            $"{type.Name}.GetRlpLength() returned {predicted} but Encode wrote {written} byte(s); the two must agree.");

    [DoesNotReturn]
    public static void ThrowSourceTooLong(string paramName, int length, int maxLength) =>
        throw new ArgumentException(
            $"The big-endian value is {length} bytes long; at most {maxLength} fit.", paramName);

    private static string Describe(RlpKind kind) => kind == RlpKind.List ? "list" : "byte string";

    private static string Container(bool inList) => inList ? "enclosing list" : "input";
}
