using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Devp2p.Ipc;
using Devp2p.Transports;
using Xunit;

namespace Devp2p.Engine.Tests.Ipc;

/// <summary>Shared helpers: bounded timeouts, socket paths, and a raw client that speaks bytes.</summary>
internal static class RpcTestKit
{
    /// <summary>Upper bound for one test; each finishes far sooner when healthy.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    public static CancellationTokenSource Timeout() => new(TestTimeout);

    /// <summary>A short socket path under the temp directory (Unix paths are limited to 108 bytes).</summary>
    public static string NewUnixSocketPath() =>
        Path.Combine(Path.GetTempPath(), "rpc-" + Guid.NewGuid().ToString("N")[..10] + ".sock");

    /// <summary>Serves <paramref name="server"/> on one end of an in-memory pair and returns the other end as a raw client.</summary>
    public static RawRpcClient ConnectRaw(RpcServer server, TransportOptions? options = null)
    {
        (TransportConnection client, TransportConnection serverEnd) = InMemoryTransport.CreatePair(options);
        Task serving = server.ServeConnectionAsync(serverEnd);
        return new RawRpcClient(client, serving);
    }
}

/// <summary>Writes raw bytes to a server and reads its newline-terminated responses.</summary>
internal sealed class RawRpcClient(TransportConnection connection, Task serving) : IAsyncDisposable
{
    private readonly PipeReader _input = connection.Transport.Input;
    private readonly PipeWriter _output = connection.Transport.Output;

    public TransportConnection Connection => connection;

    /// <summary>Completes when the server has finished with this connection.</summary>
    public Task Serving => serving;

    public async Task SendAsync(string text, CancellationToken ct) => await SendAsync(Encoding.UTF8.GetBytes(text), ct);

    public async Task SendAsync(byte[] bytes, CancellationToken ct)
    {
        FlushResult result = await _output.WriteAsync(bytes, ct);
        Assert.False(result.IsCanceled);
    }

    /// <summary>Reads one response line (without its newline), or null if the server closed the stream.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await _input.ReadAsync(ct);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (newline is not null)
            {
                string line = Encoding.UTF8.GetString(buffer.Slice(0, newline.Value));
                _input.AdvanceTo(buffer.GetPosition(1, newline.Value));
                return line;
            }

            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, "the server ended the stream inside a message: " + Encoding.UTF8.GetString(buffer));
                _input.AdvanceTo(buffer.End);
                return null;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Sends one request and returns the next response line.</summary>
    public async Task<string> CallAsync(string request, CancellationToken ct)
    {
        await SendAsync(request, ct);
        string? line = await ReceiveAsync(ct);
        Assert.NotNull(line);
        return line;
    }

    /// <summary>Asserts the server closes the stream without sending anything more.</summary>
    public async Task AssertClosedAsync(CancellationToken ct)
    {
        string? line = await ReceiveAsync(ct);
        Assert.Null(line);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        await serving.WaitAsync(RpcTestKit.TestTimeout);
    }
}
