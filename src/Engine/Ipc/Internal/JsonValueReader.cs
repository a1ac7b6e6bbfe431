using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Devp2p.Ipc.Internal;

/// <summary>
/// Splits a stream of concatenated JSON values into whole values, the way go-ethereum's IPC codec
/// runs <c>json.Decoder</c> over the socket: no delimiter is needed between values, whitespace
/// between them is skipped, and each value is handed out as its own pooled copy so it can be
/// processed after the pipe memory is released.
/// </summary>
/// <remarks>
/// A value that is whole in one read is found with <see cref="Utf8JsonReader"/> directly over the
/// pipe's <see cref="ReadOnlySequence{T}"/> (segments and all) and copied once. A value that is not
/// whole yet is moved into a held buffer and the pipe memory is consumed at once: holding it in the
/// pipe would stall the transport as soon as the unread bytes reach its pause threshold (1 MiB by
/// default), which is below the request limit (5 MiB). Tokenizing then resumes from the saved
/// <see cref="JsonReaderState"/>, so held bytes are not scanned again, except the unfinished token.
/// </remarks>
internal sealed class JsonValueReader : IDisposable
{
    // First size of the held buffer; it doubles as a split value grows.
    private const int MinimumHeldSize = 4096;

    private static readonly SearchValues<byte> s_whitespace = SearchValues.Create(" \t\r\n"u8);
    private static readonly SearchValues<byte> s_separators = SearchValues.Create(" \t\r\n,:"u8);

    private readonly PipeReader _input;
    private readonly int _maxValueSize;
    private readonly JsonReaderOptions _options;
    private readonly string _tooLargeMessage;

    // Bytes taken out of the pipe: the start of a value that did not arrive in one read, or values
    // that followed the end of one. The current value starts at _heldStart; the tokenizer has passed
    // _heldScanned bytes and _state belongs to that offset.
    private byte[]? _held;
    private int _heldStart;
    private int _heldScanned;
    private int _heldLength;
    private JsonReaderState _state;

    /// <param name="input">The stream to read; this reader is its only consumer.</param>
    /// <param name="maxValueSize">Largest value accepted, in bytes.</param>
    /// <param name="maxDepth">Deepest nesting accepted.</param>
    /// <param name="what">Names a value in the too-large message ("request", "response").</param>
    public JsonValueReader(PipeReader input, int maxValueSize, int maxDepth, string what)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValueSize, 1);
        _input = input;
        _maxValueSize = maxValueSize;
        _options = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
        _state = new JsonReaderState(_options);
        _tooLargeMessage = $"{what} too large (more than {maxValueSize} bytes)";
    }

    private enum Status
    {
        NeedMore,
        Value,
        End,
    }

    /// <summary>
    /// Returns the next whole value, or null when the stream ended (cleanly, or inside a value,
    /// which go-ethereum also treats as a plain end rather than a syntax error).
    /// The caller owns the returned bytes.
    /// </summary>
    /// <exception cref="JsonFramingException">The stream is not JSON, or a value is over the limit.</exception>
    /// <exception cref="OperationCanceledException">The read was canceled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RentedBytes?> ReadAsync(CancellationToken cancellationToken)
    {
        // Bytes already taken from the pipe go first: the pipe may have nothing more to give.
        if (_held is not null && TryTakeHeld(isFinal: false, newBytesStart: _heldScanned, out RentedBytes leftover))
        {
            return leftover;
        }

        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The read was canceled.");
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            Status status;
            SequencePosition consumed;
            RentedBytes value;
            try
            {
                status = _held is null
                    ? TakeFromPipe(buffer, result.IsCompleted, out consumed, out value)
                    : AppendAndTake(buffer, result.IsCompleted, out consumed, out value);
            }
            catch
            {
                _input.AdvanceTo(buffer.Start);
                throw;
            }

            switch (status)
            {
                case Status.Value:
                    _input.AdvanceTo(consumed);
                    return value;
                case Status.End:
                    _input.AdvanceTo(buffer.End);
                    return null;
                default:
                    _input.AdvanceTo(consumed, buffer.End);
                    if (result.IsCompleted)
                    {
                        return null;
                    }

                    break;
            }
        }
    }

    public void Dispose() => ReleaseHeld();

    private Status TakeFromPipe(ReadOnlySequence<byte> buffer, bool isCompleted, out SequencePosition consumed, out RentedBytes value)
    {
        value = default;
        buffer = buffer.Slice(CountWhitespace(buffer));
        if (buffer.IsEmpty)
        {
            consumed = buffer.End;
            return isCompleted ? Status.End : Status.NeedMore;
        }

        var reader = new Utf8JsonReader(buffer, isFinalBlock: false, new JsonReaderState(_options));
        bool complete = Scan(ref reader);
        long length = reader.BytesConsumed;
        if (!complete && isCompleted)
        {
            // A top-level number is only known to end at the end of the stream.
            var final = new Utf8JsonReader(buffer, isFinalBlock: true, new JsonReaderState(_options));
            if (!TryScanFinal(ref final))
            {
                consumed = buffer.End;
                return Status.End;
            }

            complete = true;
            length = final.BytesConsumed;
        }

        if (complete)
        {
            if (length > _maxValueSize)
            {
                throw TooLarge();
            }

            value = RentedBytes.CopyOf(buffer.Slice(0, length));
            consumed = buffer.GetPosition(length);
            return Status.Value;
        }

        if (buffer.Length > _maxValueSize)
        {
            throw TooLarge();
        }

        Hold(buffer, (int)reader.BytesConsumed, reader.CurrentState);
        consumed = buffer.End;
        return Status.NeedMore;
    }

    private Status AppendAndTake(ReadOnlySequence<byte> buffer, bool isCompleted, out SequencePosition consumed, out RentedBytes value)
    {
        // Take no more than one byte past the limit: enough to know the value is too large.
        long room = (long)_maxValueSize + 1 - (_heldLength - _heldStart);
        long take = Math.Clamp(buffer.Length, 0, Math.Max(room, 0));
        int newBytesStart = Append(buffer.Slice(0, take));
        consumed = buffer.GetPosition(take);
        bool final = isCompleted && take == buffer.Length;
        if (TryTakeHeld(final, newBytesStart, out value))
        {
            return Status.Value;
        }

        if (final)
        {
            ReleaseHeld();
            return Status.End;
        }

        return Status.NeedMore;
    }

    private bool TryTakeHeld(bool isFinal, int newBytesStart, out RentedBytes value)
    {
        value = default;
        byte[] held = _held!;
        if (_heldScanned == _heldStart)
        {
            // No token of this value seen yet: skip the whitespace before it.
            int skip = held.AsSpan(_heldStart, _heldLength - _heldStart).IndexOfAnyExcept(s_whitespace);
            _heldStart = skip < 0 ? _heldLength : _heldStart + skip;
            _heldScanned = _heldStart;
            newBytesStart = Math.Max(newBytesStart, _heldStart);
            if (_heldStart == _heldLength)
            {
                ReleaseHeld();
                return false;
            }
        }

        if (!isFinal && !MayProgress(held, newBytesStart))
        {
            CheckHeldSize();
            return false;
        }

        var reader = new Utf8JsonReader(held.AsSpan(_heldScanned, _heldLength - _heldScanned), isFinalBlock: false, _state);
        bool complete = Scan(ref reader);
        int end = _heldScanned + (int)reader.BytesConsumed;
        if (!complete)
        {
            _heldScanned = end;
            _state = reader.CurrentState;
            if (isFinal)
            {
                var final = new Utf8JsonReader(held.AsSpan(_heldScanned, _heldLength - _heldScanned), isFinalBlock: true, _state);
                complete = TryScanFinal(ref final);
                end = _heldScanned + (int)final.BytesConsumed;
            }
        }

        if (!complete)
        {
            CheckHeldSize();
            return false;
        }

        if (end - _heldStart > _maxValueSize)
        {
            throw TooLarge();
        }

        value = Detach(end);
        return true;
    }

    // While the unfinished token is a string, new bytes can only finish it if they hold a quote:
    // skipping the rescan otherwise keeps a long string arriving in small reads linear, not quadratic.
    private bool MayProgress(byte[] held, int newBytesStart)
    {
        if (newBytesStart <= _heldScanned)
        {
            return true;
        }

        ReadOnlySpan<byte> oldTail = held.AsSpan(_heldScanned, newBytesStart - _heldScanned);
        int first = oldTail.IndexOfAnyExcept(s_separators);
        if (first < 0 || oldTail[first] != (byte)'"')
        {
            return true;
        }

        return held.AsSpan(newBytesStart, _heldLength - newBytesStart).Contains((byte)'"');
    }

    /// <summary>Hands out the value held in [_heldStart, end) and keeps what follows it.</summary>
    private RentedBytes Detach(int end)
    {
        byte[] held = _held!;
        int length = end - _heldStart;
        int leftover = _heldLength - end;
        RentedBytes value;
        if (_heldStart == 0 && leftover <= length)
        {
            // Give the held array away as the value and move the (smaller) rest into a new one.
            value = new RentedBytes(held, length);
            if (leftover == 0)
            {
                _held = null;
                _heldLength = 0;
                end = 0;
            }
            else
            {
                byte[] rest = ArrayPool<byte>.Shared.Rent(Math.Max(leftover, MinimumHeldSize));
                held.AsSpan(end, leftover).CopyTo(rest);
                _held = rest;
                _heldLength = leftover;
                end = 0;
            }
        }
        else
        {
            value = RentedBytes.CopyOf(held.AsSpan(_heldStart, length));
            if (leftover == 0)
            {
                ReleaseHeld();
                end = 0;
            }
        }

        _heldStart = end;
        _heldScanned = end;
        _state = new JsonReaderState(_options);
        return value;
    }

    private void Hold(ReadOnlySequence<byte> buffer, int scanned, JsonReaderState state)
    {
        int length = (int)buffer.Length;
        byte[] held = ArrayPool<byte>.Shared.Rent(Math.Max(length * 2, MinimumHeldSize));
        buffer.CopyTo(held);
        _held = held;
        _heldStart = 0;
        _heldScanned = scanned;
        _heldLength = length;
        _state = state;
    }

    /// <summary>Appends to the held bytes and returns the offset where the new bytes start.</summary>
    private int Append(ReadOnlySequence<byte> bytes)
    {
        int count = (int)bytes.Length;
        byte[] held = _held!;
        if (held.Length - _heldLength < count)
        {
            int live = _heldLength - _heldStart;
            int size = (int)Math.Min(Array.MaxLength, Math.Max((long)live + count, Math.Max(2L * live, MinimumHeldSize)));
            if (_heldStart > 0 && size <= held.Length)
            {
                held.AsSpan(_heldStart, live).CopyTo(held);
            }
            else
            {
                byte[] grown = ArrayPool<byte>.Shared.Rent(size);
                held.AsSpan(_heldStart, live).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(held);
                _held = held = grown;
            }

            _heldScanned -= _heldStart;
            _heldLength = live;
            _heldStart = 0;
        }

        int start = _heldLength;
        bytes.CopyTo(held.AsSpan(start));
        _heldLength += count;
        return start;
    }

    private void CheckHeldSize()
    {
        if (_heldLength - _heldStart > _maxValueSize)
        {
            throw TooLarge();
        }
    }

    private void ReleaseHeld()
    {
        byte[]? held = _held;
        _held = null;
        _heldStart = _heldScanned = _heldLength = 0;
        _state = new JsonReaderState(_options);
        if (held is not null)
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    /// <summary>Reads tokens until the top-level value ends (true) or the data runs out (false).</summary>
    private static bool Scan(ref Utf8JsonReader reader)
    {
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    return true;
                }
            }

            return false;
        }
        catch (JsonException ex)
        {
            throw new JsonFramingException(RpcErrorCodes.ParseError, ex.Message, ex);
        }
    }

    /// <summary>Scans with the stream known to be at its end; a value cut short there is not an error.</summary>
    private static bool TryScanFinal(ref Utf8JsonReader reader)
    {
        try
        {
            return Scan(ref reader);
        }
        catch (JsonFramingException)
        {
            return false;
        }
    }

    private static long CountWhitespace(in ReadOnlySequence<byte> buffer)
    {
        long count = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            int index = segment.Span.IndexOfAnyExcept(s_whitespace);
            if (index >= 0)
            {
                return count + index;
            }

            count += segment.Length;
        }

        return count;
    }

    private JsonFramingException TooLarge() => new(RpcErrorCodes.InvalidRequest, _tooLargeMessage);
}
