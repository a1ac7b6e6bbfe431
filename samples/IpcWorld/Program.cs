using System.Runtime.InteropServices;
using System.Text.Json;
using Devp2p.Ipc.NodeIpc;

// node-ipc's README server ("Server for Unix Sockets, Windows Sockets & TCP Sockets") in C#:
//
//   ipc.config.id = 'world'; ipc.config.retry = 1500;
//   ipc.serve(() => {
//     ipc.server.on('message', (data, socket) => ipc.server.emit(socket, 'message', data + ' world!'));
//     ipc.server.on('socket.disconnected', (socket, destroyedSocketID) =>
//       ipc.log('client ' + destroyedSocketID + ' has disconnected!'));
//   });
//
// It serves /tmp/app.world (\\.\pipe\tmp-app.world on Windows) until Ctrl-C or SIGTERM.
// `--socket-root DIR` serves DIR/app.world instead, so a test need not touch /tmp/app.world.
var config = new NodeIpcConfig
{
    Id = "world",
    Retry = TimeSpan.FromMilliseconds(1500),
};
if (args.Length == 2 && args[0] == "--socket-root")
{
    config.SocketRoot = args[1].EndsWith('/') ? args[1] : args[1] + "/";
}
else if (args.Length != 0)
{
    Console.Error.WriteLine("usage: IpcWorld [--socket-root DIR]");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

await using var server = new NodeIpcServer(config);
server.On("message", async (JsonElement data, NodeIpcSocket socket, CancellationToken ct) =>
{
    Console.WriteLine($"got a message : {data.GetRawText()}");

    await server.EmitAsync(socket, "message", JavaScriptString(data) + " world!", ct);
});
server.SocketDisconnected += (socket, destroyedSocketId) =>
    Console.WriteLine($"client {destroyedSocketId ?? "false"} has disconnected!");
server.Error += (error, socket) => Console.Error.WriteLine($"error{(socket is null ? string.Empty : " on " + socket)}: {error.Message}");

try
{
    await server.ServeAsync(stop.Token);
}
catch (Exception ex) when (ex is IOException or ArgumentException)
{
    Console.Error.WriteLine($"cannot serve: {ex.Message}");
    return 1;
}

Console.WriteLine($"serving {server.Path ?? server.EndPoint?.ToString()} (Ctrl-C stops)");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

await server.StopAsync(CancellationToken.None);
Console.WriteLine("stopped");
return 0;

// JavaScript's String(value), which `data + ' world!'` applies to the data.
static string JavaScriptString(JsonElement value) => value.ValueKind switch
{
    JsonValueKind.String => value.GetString()!,
    JsonValueKind.Number => value.GetRawText(),
    JsonValueKind.True => "true",
    JsonValueKind.False => "false",
    JsonValueKind.Null => "null",
    JsonValueKind.Array => string.Join(
        ',',
        value.EnumerateArray().Select(item => item.ValueKind is JsonValueKind.Null ? string.Empty : JavaScriptString(item))),
    JsonValueKind.Object => "[object Object]",
    _ => "undefined",
};
