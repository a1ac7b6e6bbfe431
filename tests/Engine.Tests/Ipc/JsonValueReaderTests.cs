using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Devp2p.Ipc;
using Devp2p.Ipc.Internal;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>The codec's framing: a stream of concatenated JSON values split into whole values.</summary>
public sealed class JsonValueReaderTests
{
    private const int Limit = RpcServerOptions.DefaultMaxRequestSize;

    private static readonly string[] s_values =
    [
        """{"jsonrpc":"2.0","id":1,"method":"a_b","params":["x}",{"k":[1,2,{"z":"\"]"}]}]}""",
        """[{"id":"s"},{"id":null}]""",
        "\"a string with \\\" and \\\\ and } and ]\"",
        "{}",
        "[]",
        "null",
        "true",
        """{"nested":[[[[[[[[1]]]]]]]],"unicode":"héllo ✓ 😀","esc":"\u0041\n"}""",
        "-12.5e3",
    ];

    [Fact]
    public async Task ByteByByte_ValuesWithWhitespaceBetween_AreReturnedWhole()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string stream = string.Join(" \r\n\t ", s_values) + "\n";
        List<string> values = await FeedAsync(Encoding.UTF8.GetBytes(stream), chunk: 1, cts.Token);
        Assert.Equal(s_values, values);
    }

    [Fact]
    public async Task EachValue_IsReturnedAsSoonAsItsLastByteArrives_WithoutWaitingForMore()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var reader = new JsonValueReader(pipe.Reader, Limit, 128, "request");
        string longString = "{\"a\":\"" + new string('s', 5000) + "\",\"b\":[\"" + new string('t', 3000) + "\"]}";
        foreach (string value in s_values.Where(v => v[^1] is '}' or ']' or '"').Append(longString))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            ValueTask<RentedBytes?> next = reader.ReadAsync(cts.Token);
            for (int i = 0; i < bytes.Length; i += 100)
            {
                Assert.False(next.IsCompleted, "a value cannot be complete before its last byte");
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(100, bytes.Length - i)), cts.Token);
                await Task.Yield();
            }

            RentedBytes? read = await next.AsTask().WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
            Assert.NotNull(read);
            using (read.Value)
            {
                Assert.Equal(value, Encoding.UTF8.GetString(read.Value.Span));
            }
        }

        await pipe.Writer.CompleteAsync();
        Assert.Null(await reader.ReadAsync(cts.Token));
    }

    [Fact]
    public async Task ConcatenatedWithoutSeparators_AreSplitAtValueEnds()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string[] containers = [.. s_values.Where(v => v[0] is '{' or '[' or '"')];
        string stream = string.Concat(containers);
        foreach (int chunk in new[] { 1, 3, 7, 64, stream.Length })
        {
            List<string> values = await FeedAsync(Encoding.UTF8.GetBytes(stream), chunk, cts.Token);
            Assert.Equal(containers, values);
        }
    }

    [Fact]
    public async Task MultiSegmentBuffer_ValueSpanningSegments_IsCopiedWhole()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();

        // Tiny segments make one write span many segments of the pipe's ReadOnlySequence.
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16, useSynchronizationContext: false));
        string stream = string.Concat(s_values.Select(v => v + " "));
        byte[] bytes = Encoding.UTF8.GetBytes(stream);
        for (int i = 0; i < bytes.Length; i += 16)
        {
            int n = Math.Min(16, bytes.Length - i);
            bytes.AsSpan(i, n).CopyTo(pipe.Writer.GetSpan(n));
            pipe.Writer.Advance(n);
        }

        await pipe.Writer.FlushAsync(cts.Token);
        await pipe.Writer.CompleteAsync();
        List<string> values = await ReadAllAsync(pipe.Reader, Limit, cts.Token);
        Assert.Equal(s_values, values);
    }

    [Fact]
    public async Task RandomValuesInRandomChunks_RoundTrip()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var random = new Random(4242);
        for (int round = 0; round < 30; round++)
        {
            var expected = new List<string>();
            var stream = new StringBuilder();
            int count = random.Next(1, 20);
            for (int i = 0; i < count; i++)
            {
                string value = RandomJson(random, depth: 0);
                expected.Add(value);
                stream.Append(value);
                if (random.Next(3) == 0 || value[^1] is not ('}' or ']' or '"'))
                {
                    stream.Append(" \n\t\r"[random.Next(4)]);
                }
            }

            List<string> values = await FeedAsync(Encoding.UTF8.GetBytes(stream.ToString()), random.Next(1, 50), cts.Token);
            Assert.Equal(expected, values);
        }
    }

    [Fact]
    public async Task ValueLargerThanThePipePauseThreshold_DoesNotStallTheWriter()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();

        // The transport stops writing at 64 KiB unread; a 2 MiB value must still get through,
        // which it only does if the reader consumes what it has seen (holding it itself).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        string big = "{\"params\":[\"" + new string('q', 2 * 1024 * 1024) + "\"],\"tail\":[1,2,3]}";
        string next = "{\"id\":2}";
        byte[] bytes = Encoding.UTF8.GetBytes(big + next);

        Task<List<string>> reading = ReadAllAsync(pipe.Reader, Limit, cts.Token);
        var random = new Random(7);
        for (int offset = 0; offset < bytes.Length;)
        {
            int n = Math.Min(random.Next(1, 9000), bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, n), cts.Token);
            offset += n;
        }

        await pipe.Writer.CompleteAsync();
        List<string> values = await reading;
        Assert.Equal([big, next], values);
    }

    [Fact]
    public async Task ValueAtTheLimit_IsAccepted_OneByteMore_IsRejectedAsInvalidRequest()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        const int Max = 1000;
        string atLimit = "\"" + new string('a', Max - 2) + "\"";
        Assert.Equal([atLimit], await FeedAsync(Encoding.UTF8.GetBytes(atLimit + " "), 97, cts.Token, Max));

        string over = "\"" + new string('a', Max - 1) + "\"";
        foreach (int chunk in new[] { 13, over.Length + 1 })
        {
            JsonFramingException ex = await Assert.ThrowsAsync<JsonFramingException>(
                () => FeedAsync(Encoding.UTF8.GetBytes(over + " "), chunk, cts.Token, Max));
            Assert.Equal(RpcErrorCodes.InvalidRequest, ex.Code);
            Assert.Contains("too large", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OverLimitValueThatNeverEnds_IsRejectedWithoutWaitingForItsEnd()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        var pipe = new Pipe();
        using var reader = new JsonValueReader(pipe.Reader, 1000, 64, "request");
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("[" + string.Concat(Enumerable.Repeat("1,", 600))), cts.Token);
        JsonFramingException ex = await Assert.ThrowsAsync<JsonFramingException>(async () => await reader.ReadAsync(cts.Token));
        Assert.Equal(RpcErrorCodes.InvalidRequest, ex.Code);
    }

    [Theory]
    [InlineData("{\"a\":1}x")]
    [InlineData("{\"a\" 1}")]
    [InlineData("[1,,2]")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":1} // comment")]
    public async Task SyntaxError_IsAParseError(string stream)
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        JsonFramingException ex = await Assert.ThrowsAsync<JsonFramingException>(
            () => FeedAsync(Encoding.UTF8.GetBytes(stream), 2, cts.Token));
        Assert.Equal(RpcErrorCodes.ParseError, ex.Code);
    }

    [Fact]
    public async Task EndOfStream_InsideAValue_EndsQuietly_AfterWholeValues()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        List<string> values = await FeedAsync("{\"a\":1} [1,2"u8.ToArray(), 3, cts.Token);
        Assert.Equal(["{\"a\":1}"], values);
    }

    [Fact]
    public async Task TopLevelNumberAtEndOfStream_IsAValue()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        Assert.Equal(["{}", "42"], await FeedAsync("{}42"u8.ToArray(), 1, cts.Token));
        Assert.Empty(await FeedAsync(" \n\r\t "u8.ToArray(), 1, cts.Token));
    }

    [Fact]
    public async Task DeepNesting_PastTheLimit_IsAParseError()
    {
        using CancellationTokenSource cts = RpcTestKit.Timeout();
        string deep = new string('[', 200) + new string(']', 200);
        JsonFramingException ex = await Assert.ThrowsAsync<JsonFramingException>(
            () => FeedAsync(Encoding.UTF8.GetBytes(deep), 10, cts.Token));
        Assert.Equal(RpcErrorCodes.ParseError, ex.Code);
    }

    private static async Task<List<string>> FeedAsync(byte[] bytes, int chunk, CancellationToken ct, int limit = Limit)
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        Task<List<string>> reading = ReadAllAsync(pipe.Reader, limit, ct);
        for (int offset = 0; offset < bytes.Length; offset += chunk)
        {
            int n = Math.Min(chunk, bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, n), ct);

            // Give the reader a turn so it really sees the stream piece by piece.
            if (chunk < 8)
            {
                await Task.Yield();
            }
        }

        await pipe.Writer.CompleteAsync();
        return await reading;
    }

    private static async Task<List<string>> ReadAllAsync(PipeReader input, int limit, CancellationToken ct)
    {
        using var reader = new JsonValueReader(input, limit, 128, "request");
        var values = new List<string>();
        try
        {
            while (await reader.ReadAsync(ct) is RentedBytes value)
            {
                using (value)
                {
                    values.Add(Encoding.UTF8.GetString(value.Span));
                }
            }
        }
        finally
        {
            await input.CompleteAsync();
        }

        return values;
    }

    private static string RandomJson(Random random, int depth)
    {
        int kind = depth > 3 ? random.Next(4) : random.Next(6);
        switch (kind)
        {
            case 0:
                return random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 1:
                return JsonSerializer.Serialize(new string('s', random.Next(0, 5)) + "\"}]\\" + (char)random.Next(0x20, 0x3000), RpcTestJsonContext.Default.String);
            case 2:
                return random.Next(2) == 0 ? "true" : "null";
            case 3:
                return "\"" + new string('w', random.Next(0, 300)) + "\"";
            case 4:
                return "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomJson(random, depth + 1))) + "]";
            default:
                return "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(i => "\"k" + i + "\":" + RandomJson(random, depth + 1))) + "}";
        }
    }
}
