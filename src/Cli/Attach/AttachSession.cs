using System.Text.Json;
using Devp2p.Ipc;

namespace Devp2p.Cli.Attach;

/// <summary>
/// Runs <c>devp2p attach</c> lines against a connected <see cref="RpcClient"/>: results go to the
/// output writer as pretty-printed JSON, errors to the error writer as <c>error &lt;code&gt;: &lt;message&gt;</c>.
/// A <c>{ns}_subscribe</c> line streams its notifications until <see cref="CancelCurrent"/>, the
/// server ending it, or the connection closing. Used by the interactive console and by <c>--exec</c>.
/// </summary>
internal sealed class AttachSession
{
    private const string Prompt = "> ";

    private readonly RpcClient _client;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly object _currentLock = new();
    private CancellationTokenSource? _current;

    /// <summary>Creates a session.</summary>
    /// <param name="client">The connected client; it stays the caller's.</param>
    /// <param name="output">Receives results and notifications.</param>
    /// <param name="error">Receives errors and status lines.</param>
    public AttachSession(RpcClient client, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        _client = client;
        _output = output;
        _error = error;
    }

    /// <summary>
    /// Cancels the call or subscription running now, as Ctrl-C does. Returns false when nothing runs
    /// (at the prompt), so the caller can let Ctrl-C end the tool instead.
    /// </summary>
    /// <returns>Whether something was running.</returns>
    public bool CancelCurrent()
    {
        lock (_currentLock)
        {
            if (_current is null)
            {
                return false;
            }

            _current.Cancel();
            return true;
        }
    }

    /// <summary>Parses and runs one line (see <see cref="AttachInput"/>).</summary>
    /// <param name="line">The line.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>True when the call succeeded (or a subscription ended without an error).</returns>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        if (!AttachInput.TryParse(line, out AttachRequest? request, out string? error))
        {
            await _error.WriteLineAsync(error.AsMemory(), cancellationToken);
            return false;
        }

        return await ExecuteAsync(request, cancellationToken);
    }

    /// <summary>Runs one request and prints its result or error.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>True when the call succeeded (or a subscription ended without an error).</returns>
    /// <exception cref="IOException">The connection ended.</exception>
    public async Task<bool> ExecuteAsync(AttachRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var current = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_currentLock)
        {
            _current = current;
        }

        try
        {
            return request.IsSubscription
                ? await SubscribeAsync(request, current.Token)
                : await CallAsync(request, current.Token);
        }
        catch (RpcException ex)
        {
            await _error.WriteLineAsync(AttachOutput.FormatError(ex));
            return false;
        }
        catch (OperationCanceledException) when (current.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await _error.WriteLineAsync("interrupted");
            return false;
        }
        finally
        {
            lock (_currentLock)
            {
                _current = null;
            }
        }
    }

    /// <summary>
    /// The console: reads lines until the input ends or <c>exit</c>, running each. With
    /// <paramref name="interactive"/>, greets with the node's client version and modules and prompts.
    /// </summary>
    /// <param name="input">The lines.</param>
    /// <param name="interactive">Whether a person types (prompt and greeting), or a script pipes the lines in.</param>
    /// <param name="cancellationToken">Ends the console.</param>
    /// <returns>The exit code: 0 when every line succeeded, or always 0 when interactive; 1 when the connection was lost.</returns>
    public async Task<int> RunAsync(TextReader input, bool interactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (interactive)
        {
            await GreetAsync(cancellationToken);
        }

        bool allSucceeded = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (interactive)
            {
                await _output.WriteAsync(Prompt);
                await _output.FlushAsync(cancellationToken);
            }

            string? line = await input.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line is "exit" or "quit")
            {
                break;
            }

            if (line == "help")
            {
                await _output.WriteLineAsync(HelpText);
                continue;
            }

            try
            {
                allSucceeded &= await ExecuteAsync(line, cancellationToken);
            }
            catch (IOException ex)
            {
                await _error.WriteLineAsync($"connection lost: {ex.Message}");
                return 1;
            }

            await _output.FlushAsync(cancellationToken);
        }

        return interactive || allSucceeded ? 0 : 1;
    }

    /// <summary>What <c>help</c> prints.</summary>
    public static string HelpText =>
        """
        Type a method and its parameters, separated by blanks; each parameter is JSON, and a bare word is a string:
          admin_nodeInfo
          admin_peers
          admin_addPeer enode://<128 hex digits>@127.0.0.1:30303
          admin_removePeer "enode://..."
          net_peerCount
          admin_subscribe peerEvents      (notifications until Ctrl-C)
          rpc_modules                     (the namespaces served)
        geth console spelling works too: admin.addPeer("enode://...").
        Ctrl-C stops a running call or subscription; exit or Ctrl-D leaves.
        """;

    private async Task<bool> CallAsync(AttachRequest request, CancellationToken cancellationToken)
    {
        JsonElement result = await _client.CallAsync(request.Method, RpcJsonContext.Default.JsonElement, cancellationToken, Arguments(request.Params, 0));
        await _output.WriteLineAsync(AttachOutput.FormatResult(result));
        return true;
    }

    private async Task<bool> SubscribeAsync(AttachRequest request, CancellationToken cancellationToken)
    {
        if (request.Params.Count == 0 || request.Params[0].ValueKind != JsonValueKind.String)
        {
            await _error.WriteLineAsync($"{request.Method} needs the subscription name first, as {request.Namespace}_subscribe peerEvents");
            return false;
        }

        string name = request.Params[0].GetString()!;
        try
        {
            await foreach (JsonElement item in _client.SubscribeAsync(request.Namespace, name, RpcJsonContext.Default.JsonElement, cancellationToken, Arguments(request.Params, 1)))
            {
                await _output.WriteLineAsync(AttachOutput.FormatResult(item));
                await _output.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the enumerator has unsubscribed on its way out.
            await _error.WriteLineAsync($"unsubscribed from {name}");
            return true;
        }

        await _error.WriteLineAsync($"the server ended the {name} subscription");
        return true;
    }

    private async Task GreetAsync(CancellationToken cancellationToken)
    {
        string version = await TryCallAsync("web3_clientVersion", cancellationToken) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : "unknown";
        string modules = "";
        if (await TryCallAsync("rpc_modules", cancellationToken) is { ValueKind: JsonValueKind.Object } m)
        {
            modules = string.Join(' ', m.EnumerateObject().Select(static p => $"{p.Name}:{p.Value}"));
        }

        await _output.WriteLineAsync("Welcome to the devp2p console!");
        await _output.WriteLineAsync();
        await _output.WriteLineAsync($"instance: {version}");
        if (modules.Length > 0)
        {
            await _output.WriteLineAsync($" modules: {modules}");
        }

        await _output.WriteLineAsync();
        await _output.WriteLineAsync("Type help for examples. To exit, press ctrl-d or type exit.");
    }

    private async Task<JsonElement?> TryCallAsync(string method, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CallAsync(method, RpcJsonContext.Default.JsonElement, cancellationToken);
        }
        catch (RpcException)
        {
            // Another kind of server: greet without it.
            return null;
        }
    }

    private static object?[] Arguments(IReadOnlyList<JsonElement> parameters, int skip)
    {
        object?[] arguments = new object?[parameters.Count - skip];
        for (int i = skip; i < parameters.Count; i++)
        {
            arguments[i - skip] = parameters[i];
        }

        return arguments;
    }
}
