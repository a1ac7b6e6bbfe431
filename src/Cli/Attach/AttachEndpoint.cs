using System.Net;
using System.Net.Sockets;
using Devp2p.Cli.Commands;
using Devp2p.Ipc;
using Devp2p.Ipc.Admin;
using Devp2p.Transports;

namespace Devp2p.Cli.Attach;

/// <summary>Finds and connects to the IPC endpoint <c>devp2p attach</c> talks to.</summary>
internal static class AttachEndpoint
{
    /// <summary>
    /// How long to wait for an endpoint that exists to accept. A named pipe client waits for a server
    /// to appear, so without a bound an absent pipe would hang the tool.
    /// </summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The endpoint to attach to: <paramref name="endpoint"/> parsed by <see cref="IpcAddress.TryParse"/>,
    /// or, when it is null, <c>devp2p.ipc</c> in <paramref name="dataDir"/> (the node's default data
    /// directory when that is null too; a named pipe on Windows), where <c>devp2p node</c> serves it.
    /// </summary>
    /// <param name="endpoint">The endpoint given on the command line, or null.</param>
    /// <param name="dataDir">The data directory given with --datadir, or null.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="FormatException">The endpoint or the data directory names no usable endpoint; the message says why.</exception>
    public static EndPoint Resolve(string? endpoint, string? dataDir)
    {
        if (endpoint is not null)
        {
            return IpcAddress.TryParse(endpoint, out EndPoint? parsed, out string? error) ? parsed : throw new FormatException(error);
        }

        try
        {
            return IpcAddress.ForDataDir(dataDir ?? NodeCommand.DefaultDataDir());
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(Commands.NodeCommand.WithoutParameter(ex), ex);
        }
    }

    /// <summary>
    /// Connects an <see cref="RpcClient"/> to <paramref name="endPoint"/>, giving up after <see cref="ConnectTimeout"/>.
    /// </summary>
    /// <param name="endPoint">The endpoint.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected client; the caller disposes it.</returns>
    /// <exception cref="IOException">
    /// Nothing serves the endpoint ("no IPC endpoint at …: is `devp2p node` running?"), or it refused
    /// the connection for another reason, named in the message.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<RpcClient> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        string address = IpcAddress.Format(endPoint);
        if (endPoint is UnixDomainSocketEndPoint && !address.StartsWith('@') && !File.Exists(address))
        {
            throw Absent(address);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            return await RpcClient.ConnectAsync(endPoint, cancellationToken: timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A pipe client waits for a server that never comes; a socket that neither accepts nor refuses.
            throw endPoint is NamedPipeEndPoint
                ? Absent(address)
                : new IOException($"the IPC endpoint at {address} did not accept the connection within {ConnectTimeout.TotalSeconds:0} s");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // A stale socket file, or a TCP port nobody listens on.
            throw Absent(address);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot connect to the IPC endpoint at {address}: {ex.Message}", ex);
        }
    }

    private static IOException Absent(string address) => new($"no IPC endpoint at {address}: is `devp2p node` running?");
}
