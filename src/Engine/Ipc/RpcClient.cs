using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Devp2p.Ipc.Internal;
using Devp2p.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.ObjectPool;

namespace Devp2p.Ipc;

/// <summary>
/// A JSON-RPC 2.0 client for .NET callers of an IPC endpoint such as <see cref="RpcServer"/> or
/// go-ethereum's: calls, batches and subscriptions over one connection, with any number of calls
/// in flight at once. One read loop matches responses to calls by id and routes notifications to
/// subscriptions; it never waits on a consumer.
/// </summary>
/// <remarks>
/// Arguments are objects whose runtime types are resolved through
/// <see cref="RpcClientOptions.ArgumentTypeInfoResolver"/> (a source-generated context) and
/// <see cref="RpcJsonContext"/>; a <see cref="JsonElement"/> argument is sent as it is. Results are
/// decoded with the <see cref="JsonTypeInfo{T}"/> given to each call. An error response surfaces as
/// <see cref="RpcException"/> with the server's code, message and data. When the connection ends,
/// calls still waiting fail with <see cref="IOException"/> (or with the <see cref="RpcException"/>
/// the server sent without an id just before closing, such as a parse or size error).
/// </remarks>
public sealed partial class RpcClient : IAsyncDisposable
{
    // geth's client gives an unsubscribe call this long (unsubscribeTimeout).
    private static readonly TimeSpan s_unsubscribeTimeout = TimeSpan.FromSeconds(10);

    private readonly TransportConnection _connection;
    private readonly RpcClientOptions _options;
    private readonly ILogger _logger;
    private readonly JsonValueReader _reader;
    private readonly RpcOutput _output;
    private readonly JsonSerializerOptions _argumentOptions;
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<string, ClientSubscription> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>Lookup of <see cref="_subscriptions"/> by the characters of an id, so notifications need no string.</summary>
    private readonly ConcurrentDictionary<string, ClientSubscription>.AlternateLookup<ReadOnlySpan<char>> _subscriptionsById;

    /// <summary>Ids up to this length (geth's are 34 characters) are looked up without a string.</summary>
    private const int MaxSubscriptionIdChars = 128;
    private readonly CancellationTokenSource _reading = new();
    private readonly Action<ClientSubscription> _registerSubscription;
    private readonly Action<ClientSubscription> _forgetSubscription;
    private readonly ObjectPool<RpcRequestBuilder> _builders = new DefaultObjectPool<RpcRequestBuilder>(new RequestBuilderPolicy());
    private readonly Task _readLoop;
    private long _lastId;
    private Exception? _closedReason;
    private RpcException? _lastServerError;

    /// <summary>Starts a client on an established connection, which the client owns from now on.</summary>
    /// <param name="connection">A connection to a JSON-RPC endpoint; disposed with the client.</param>
    /// <param name="options">Limits and argument metadata; <see cref="RpcClientOptions.Default"/> when null.</param>
    /// <param name="logger">Receives diagnostics; nothing is logged when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RpcClient(TransportConnection connection, RpcClientOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = options ?? RpcClientOptions.Default;
        _options.Validate();
        _connection = connection;
        _logger = logger ?? NullLogger.Instance;
        _argumentOptions = new JsonSerializerOptions
        {
            TypeInfoResolver = _options.ArgumentTypeInfoResolver is null
                ? RpcJsonContext.Default
                : JsonTypeInfoResolver.Combine(_options.ArgumentTypeInfoResolver, RpcJsonContext.Default),
        };
        _argumentOptions.MakeReadOnly();
        _reader = new JsonValueReader(connection.Transport.Input, _options.MaxResponseSize, RpcLimits.MaxDepth, "response");
        _output = new RpcOutput(connection.Transport.Output, _options.WriteTimeout, connection.Abort);
        _subscriptionsById = _subscriptions.GetAlternateLookup<ReadOnlySpan<char>>();
        _registerSubscription = subscription => _subscriptions[subscription.Id] = subscription;
        _forgetSubscription = subscription => _subscriptions.TryRemove(new KeyValuePair<string, ClientSubscription>(subscription.Id, subscription));
        _readLoop = ReadLoopAsync();
    }

    /// <summary>Completes when the connection has ended (closed by either side, or broken) and the client has released it.</summary>
    public Task Completion => _readLoop;

    /// <summary>
    /// Dials <paramref name="endPoint"/> and starts a client: a <see cref="UnixDomainSocketEndPoint"/>
    /// or <see cref="IPEndPoint"/> through <see cref="SocketTransportDialer"/>, a
    /// <see cref="NamedPipeEndPoint"/> through <see cref="NamedPipeTransportDialer"/>.
    /// </summary>
    /// <param name="endPoint">The server's endpoint.</param>
    /// <param name="options">Client options; their <see cref="RpcClientOptions.TransportOptions"/> configure the dialer.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException">The endpoint type is not supported.</exception>
    /// <exception cref="IOException">The connection could not be established.</exception>
    /// <exception cref="SocketException">The socket could not connect.</exception>
    public static ValueTask<RpcClient> ConnectAsync(EndPoint endPoint, RpcClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        TransportOptions? transport = options?.TransportOptions;
        ITransportDialer dialer = endPoint is NamedPipeEndPoint
            ? new NamedPipeTransportDialer(transport)
            : new SocketTransportDialer(transport);
        return ConnectAsync(dialer, endPoint, options, cancellationToken);
    }

    /// <summary>Dials <paramref name="endPoint"/> with <paramref name="dialer"/> and starts a client.</summary>
    /// <param name="dialer">The transport dialer.</param>
    /// <param name="endPoint">The server's endpoint.</param>
    /// <param name="options">Client options.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="ArgumentException">The dialer does not support the endpoint type.</exception>
    /// <exception cref="IOException">The connection could not be established.</exception>
    public static async ValueTask<RpcClient> ConnectAsync(ITransportDialer dialer, EndPoint endPoint, RpcClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dialer);
        TransportConnection connection = await dialer.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        return new RpcClient(connection, options);
    }

    /// <summary>
    /// Connects to <paramref name="server"/> inside this process, as go-ethereum's <c>DialInProc</c>
    /// does with <c>net.Pipe</c>: the two ends of an in-memory pair, one served by the server, so
    /// calls take exactly the path IPC calls take (codec, registry, limits) without a socket.
    /// </summary>
    /// <param name="server">The server to call; it serves the other end until either side closes.</param>
    /// <param name="options">Client options; their <see cref="RpcClientOptions.TransportOptions"/> size the in-memory pipes.</param>
    /// <returns>The connected client.</returns>
    public static RpcClient ConnectInProcess(RpcServer server, RpcClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        (TransportConnection clientEnd, TransportConnection serverEnd) = InMemoryTransport.CreatePair(options?.TransportOptions);
        _ = server.ServeConnectionAsync(serverEnd);
        return new RpcClient(clientEnd, options);
    }

    /// <summary>
    /// Closes the connection: calls still waiting fail with <see cref="ObjectDisposedException"/>,
    /// subscriptions end, and the server sees the connection close.
    /// </summary>
    /// <returns>A task that completes when the connection is released.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _reading.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        await _readLoop.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        Exception reason;
        try
        {
            while (true)
            {
                RentedBytes? message = await _reader.ReadAsync(_reading.Token).ConfigureAwait(false);
                if (message is null)
                {
                    reason = _lastServerError ?? (Exception)new IOException("The JSON-RPC server closed the connection.");
                    break;
                }

                using (message.Value)
                {
                    Dispatch(message.Value.Span);
                }
            }
        }
        catch (OperationCanceledException) when (_reading.IsCancellationRequested)
        {
            reason = new ObjectDisposedException(nameof(RpcClient), "The JSON-RPC client was disposed.");
        }
        catch (JsonFramingException ex)
        {
            reason = new IOException($"The JSON-RPC server sent bad data: {ex.Message}", ex);
        }
        catch (Exception ex)
        {
            reason = _lastServerError ?? (Exception)new IOException($"The JSON-RPC connection failed: {ex.Message}", ex);
        }

        Volatile.Write(ref _closedReason, reason);
        _reader.Dispose();
        FailEverything(reason);
        _output.Close();
        await _output.DrainAndCloseAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);

        // Calls registered while the above ran were not in the first sweep.
        FailEverything(reason);
        _reading.Dispose();
    }

    private void FailEverything(Exception reason)
    {
        foreach (long id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out PendingCall? call))
            {
                call.SetError(reason);
            }
        }

        foreach (string id in _subscriptions.Keys)
        {
            if (_subscriptions.TryRemove(id, out ClientSubscription? subscription))
            {
                subscription.Fail(reason);
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> json)
    {
        if (!RpcMessage.IsBatch(json))
        {
            DispatchOne(json);
            return;
        }

        var elements = new List<(int Start, int Length)>();
        RpcMessage.SplitBatch(json, RpcLimits.MaxDepth, elements);
        RpcBatchState? batch = null;
        foreach ((int start, int length) in elements)
        {
            batch = DispatchOne(json.Slice(start, length)) ?? batch;
        }

        if (batch is not null)
        {
            // The batch's answer has come: calls it did not answer never will be (geth's ErrMissingBatchResponse).
            foreach (PendingCall call in batch.Calls)
            {
                if (_pending.TryRemove(new KeyValuePair<long, PendingCall>(call.Id, call)))
                {
                    call.SetError(new InvalidDataException("response batch did not contain a response to this call"));
                }
            }
        }
    }

    /// <summary>Routes one response or notification; returns the batch of the call it answered, if any.</summary>
    private RpcBatchState? DispatchOne(ReadOnlySpan<byte> json)
    {
        RpcMessage message = RpcMessage.Parse(json, RpcLimits.MaxDepth);
        if (message.IdLength < 0 && message.HasMethod && message.ParamsLength >= 0)
        {
            DeliverNotification(json.Slice(message.ParamsStart, message.ParamsLength));
            return null;
        }

        if (!message.HasValidId || (message.ResultLength < 0 && message.ErrorLength < 0))
        {
            _logger.LogDebug("Ignoring a JSON-RPC message that is neither a response nor a notification.");
            return null;
        }

        RpcException? error = message.ErrorLength >= 0 ? ParseError(json.Slice(message.ErrorStart, message.ErrorLength)) : null;
        var idReader = new Utf8JsonReader(json.Slice(message.IdStart, message.IdLength));
        idReader.Read();
        if (idReader.TokenType != JsonTokenType.Number || !idReader.TryGetInt64(out long id) || !_pending.TryRemove(id, out PendingCall? call))
        {
            if (error is not null)
            {
                // An error the server could not tie to a call (parse error, request too large, empty batch).
                _logger.LogDebug("JSON-RPC server error without a call: {Code} {Message}", error.Code, error.Message);
                _lastServerError = error;
            }

            return null;
        }

        if (error is not null)
        {
            call.SetError(error);
        }
        else
        {
            call.SetResult(json.Slice(message.ResultStart, message.ResultLength));
        }

        return call.Batch;
    }

    private void DeliverNotification(ReadOnlySpan<byte> paramsJson)
    {
        var reader = new Utf8JsonReader(paramsJson, new JsonReaderOptions { MaxDepth = RpcLimits.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        // The id is looked up as characters on the stack: no string per notification.
        Span<char> idChars = stackalloc char[MaxSubscriptionIdChars];
        int idLength = -1;
        string? escapedId = null;
        int resultStart = -1, resultLength = 0, errorStart = -1, errorLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isId = reader.ValueTextEquals("subscription"u8);
            bool isResult = !isId && reader.ValueTextEquals("result"u8);
            bool isError = !isId && !isResult && reader.ValueTextEquals("error"u8);
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            if (isId && reader.TokenType == JsonTokenType.String)
            {
                if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= MaxSubscriptionIdChars)
                {
                    idLength = reader.CopyString(idChars);
                }
                else
                {
                    escapedId = reader.GetString();
                }
            }

            reader.Skip();
            int length = (int)reader.BytesConsumed - start;
            if (isResult)
            {
                (resultStart, resultLength) = (start, length);
            }
            else if (isError)
            {
                (errorStart, errorLength) = (start, length);
            }
        }

        ClientSubscription? subscription = null;
        bool found = idLength >= 0
            ? _subscriptionsById.TryGetValue(idChars[..idLength], out subscription)
            : escapedId is not null && _subscriptions.TryGetValue(escapedId, out subscription);
        if (!found || subscription is null)
        {
            return;
        }

        if (errorStart >= 0)
        {
            // The server ended the subscription (RpcServer's extension; geth never sends this).
            _subscriptions.TryRemove(new KeyValuePair<string, ClientSubscription>(subscription.Id, subscription));
            subscription.EndedByServer = true;
            subscription.Fail(ParseError(paramsJson.Slice(errorStart, errorLength)));
        }
        else if (resultStart >= 0)
        {
            subscription.Deliver(paramsJson.Slice(resultStart, resultLength));
        }
    }

    private static RpcException ParseError(ReadOnlySpan<byte> errorJson)
    {
        int code = RpcErrorCodes.ServerError;
        string? message = null;
        JsonElement? data = null;
        var reader = new Utf8JsonReader(errorJson, new JsonReaderOptions { MaxDepth = RpcLimits.MaxDepth });
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value))
                    {
                        code = value;
                    }
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        message = reader.GetString();
                    }
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    data = JsonElement.ParseValue(ref reader);
                }
                else
                {
                    reader.Read();
                }

                reader.Skip();
            }
        }

        // geth's jsonError.Error() for an empty message.
        return new RpcException(code, string.IsNullOrEmpty(message) ? $"json-rpc error {code}" : message, data);
    }

    private sealed class RequestBuilderPolicy : PooledObjectPolicy<RpcRequestBuilder>
    {
        public override RpcRequestBuilder Create() => new();

        public override bool Return(RpcRequestBuilder obj)
        {
            obj.Reset();
            return true;
        }
    }
}
