using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Devp2p.Transports;
using Devp2p.Transports.Internal;
using Microsoft.Extensions.Logging;

namespace Devp2p.Ipc.NodeIpc.Internal;

/// <summary>Opens a client's connection: a Unix socket (a named pipe on Windows), TCP, or TLS over TCP.</summary>
internal static class NodeIpcDialer
{
    /// <exception cref="IOException">The connection could not be made.</exception>
    public static async ValueTask<TransportConnection> ConnectLocalAsync(string path, TransportOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return await new NamedPipeTransportDialer(options)
                    .ConnectAsync(new NamedPipeEndPoint(NodeIpcPaths.PipeNameFor(path)), cancellationToken).ConfigureAwait(false);
            }

            return await new SocketTransportDialer(options, logger)
                .ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new IOException($"Cannot connect to the node-ipc socket '{path}': {ex.Message}", ex);
        }
    }

    /// <exception cref="IOException">No address of the host accepted the connection, or the TLS handshake failed.</exception>
    public static async ValueTask<TransportConnection> ConnectNetAsync(string host, int port, NodeIpcConfig config, TransportOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        NodeIpcInterfaceConfig local = config.Interface;
        IPAddress[] addresses = await NodeIpcAddresses.ResolveAsync(host, NodeIpcAddresses.FamilyOf(local.Family), cancellationToken).ConfigureAwait(false);
        NodeIpcTlsConfig? tls = config.Tls;
        Exception? last = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = options.NoDelay };
            try
            {
                if (local.LocalAddress is not null || local.LocalPort is not null)
                {
                    IPAddress bindAddress = local.LocalAddress is not null
                        ? IPAddress.Parse(local.LocalAddress)
                        : address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                    socket.Bind(new IPEndPoint(bindAddress, local.LocalPort ?? 0));
                }

                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            if (tls is null)
            {
                var connection = new SocketConnection(socket, options, logger);
                connection.Start();
                return connection;
            }

            return await HandshakeAsync(socket, tls, host, options, cancellationToken).ConfigureAwait(false);
        }

        throw new IOException($"Cannot connect to the node-ipc server {host}:{port}: {last?.Message}", last);
    }

    private static async ValueTask<TransportConnection> HandshakeAsync(Socket socket, NodeIpcTlsConfig tls, string host, TransportOptions options, CancellationToken cancellationToken)
    {
        EndPoint? local = socket.LocalEndPoint;
        EndPoint? remote = socket.RemoteEndPoint;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(NodeIpcTls.HandshakeTimeout);
            await ssl.AuthenticateAsClientAsync(NodeIpcTls.ClientOptions(tls, host), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"The TLS handshake with the node-ipc server {remote} failed: {ex.Message}", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new StreamConnection(ssl, options, local, remote);
    }
}
