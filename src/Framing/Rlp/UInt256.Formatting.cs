using System.Numerics;

namespace Devp2p.Framing.Rlp;

public readonly partial struct UInt256 : ISpanFormattable
{
    /// <summary>Digits in 2^256 - 1 written in decimal.</summary>
    private const int MaxDecimalDigits = 78;

    /// <summary>The largest precision specifier accepted ("x64" pads a hash-like value to 64 digits).</summary>
    private const int MaxPrecision = 99;

    /// <summary>10^19, the largest power of ten below 2^64: decimal digits are produced 19 at a time.</summary>
    private const ulong DecimalChunkDivisor = 10_000_000_000_000_000_000;

    private const int DecimalChunkDigits = 19;

    /// <summary>Formats the value in decimal, like <see cref="ulong.ToString()"/>.</summary>
    /// <returns>The decimal digits, without separators.</returns>
    public override string ToString() => ToString(null, null);

    /// <summary>
    /// Formats the value. <paramref name="format"/> is null or empty, "D"/"d" or "G"/"g" for decimal,
    /// "x" for lowercase or "X" for uppercase hexadecimal without a prefix; a precision (for example
    /// "x64") pads with leading zeros to at least that many digits, up to 99.
    /// </summary>
    /// <param name="format">The format, as above.</param>
    /// <param name="formatProvider">Ignored: the output uses only ASCII digits and letters.</param>
    /// <returns>The formatted value.</returns>
    /// <exception cref="FormatException"><paramref name="format"/> is not one of the supported formats.</exception>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        Span<char> buffer = stackalloc char[MaxPrecision + 1];
        if (!TryFormat(buffer, out int written, format, formatProvider))
        {
            // Unreachable: the buffer holds the longest output the formats allow.
            throw new FormatException("The formatted UInt256 did not fit its buffer.");
        }

        return new string(buffer[..written]);
    }

    /// <summary>Formats the value into <paramref name="destination"/> without allocating; see <see cref="ToString(string, IFormatProvider)"/>.</summary>
    /// <param name="destination">Receives the characters.</param>
    /// <param name="charsWritten">The number of characters written, or 0 when they did not fit.</param>
    /// <param name="format">The format, as for <see cref="ToString(string, IFormatProvider)"/>.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>False when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="FormatException"><paramref name="format"/> is not one of the supported formats.</exception>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        ParseFormat(format, out char kind, out int precision);

        Span<char> digits = stackalloc char[MaxDecimalDigits];
        int start = kind switch
        {
            'd' => FormatDecimal(digits),
            'X' => FormatHex(digits, "0123456789ABCDEF"),
            _ => FormatHex(digits, "0123456789abcdef"),
        };
        int digitCount = digits.Length - start;
        int padding = Math.Max(0, precision - digitCount);
        if (padding + digitCount > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        destination[..padding].Fill('0');
        digits[start..].CopyTo(destination[padding..]);
        charsWritten = padding + digitCount;
        return true;
    }

    private static void ParseFormat(ReadOnlySpan<char> format, out char kind, out int precision)
    {
        precision = 0;
        if (format.IsEmpty)
        {
            kind = 'd';
            return;
        }

        kind = format[0] switch
        {
            'D' or 'd' or 'G' or 'g' => 'd',
            'x' => 'x',
            'X' => 'X',
            _ => '\0',
        };

        ReadOnlySpan<char> digits = format[1..];
        bool precisionValid = digits.Length <= 2;
        foreach (char c in digits)
        {
            precisionValid &= char.IsAsciiDigit(c);
            precision = (precision * 10) + (c - '0');
        }

        if (kind == '\0' || !precisionValid || precision > MaxPrecision)
        {
            throw new FormatException(
                $"Format '{format}' is not supported by {nameof(UInt256)}; use D, G, x or X with an optional precision of at most {MaxPrecision}.");
        }
    }

    /// <summary>Writes decimal digits right-aligned in <paramref name="buffer"/> and returns the index of the first.</summary>
    private int FormatDecimal(Span<char> buffer)
    {
        ulong u0 = _u0, u1 = _u1, u2 = _u2, u3 = _u3;
        int position = buffer.Length;
        while ((u1 | u2 | u3) != 0)
        {
            // Long division of the 256-bit value by 10^19, most significant limb first; each
            // partial remainder is below the divisor, so every quotient limb fits 64 bits.
            ulong remainder = 0;
            u3 = DivideStep(u3, ref remainder);
            u2 = DivideStep(u2, ref remainder);
            u1 = DivideStep(u1, ref remainder);
            u0 = DivideStep(u0, ref remainder);
            for (int i = 0; i < DecimalChunkDigits; i++)
            {
                buffer[--position] = (char)('0' + (remainder % 10));
                remainder /= 10;
            }
        }

        do
        {
            buffer[--position] = (char)('0' + (u0 % 10));
            u0 /= 10;
        }
        while (u0 != 0);

        return position;
    }

    private static ulong DivideStep(ulong limb, ref ulong remainder)
    {
        UInt128 dividend = ((UInt128)remainder << 64) | limb;
        ulong quotient = (ulong)(dividend / DecimalChunkDivisor);
        remainder = (ulong)(dividend - ((UInt128)quotient * DecimalChunkDivisor));
        return quotient;
    }

    /// <summary>Writes minimal hex digits (at least one) right-aligned in <paramref name="buffer"/> and returns the index of the first.</summary>
    private int FormatHex(Span<char> buffer, ReadOnlySpan<char> alphabet)
    {
        int position = buffer.Length;
        int nibbles = Math.Max(1, (BitLength + 3) / 4);
        ulong u0 = _u0, u1 = _u1, u2 = _u2, u3 = _u3;
        for (int i = 0; i < nibbles; i++)
        {
            buffer[--position] = alphabet[(int)(u0 & 0xF)];
            u0 = (u0 >> 4) | (u1 << 60);
            u1 = (u1 >> 4) | (u2 << 60);
            u2 = (u2 >> 4) | (u3 << 60);
            u3 >>= 4;
        }

        return position;
    }

    private int BitLength => _u3 != 0 ? 192 + BitLengthOf(_u3)
        : _u2 != 0 ? 128 + BitLengthOf(_u2)
        : _u1 != 0 ? 64 + BitLengthOf(_u1)
        : BitLengthOf(_u0);

    private static int BitLengthOf(ulong value) => 64 - BitOperations.LeadingZeroCount(value);
}
