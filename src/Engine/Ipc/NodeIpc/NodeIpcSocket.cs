using System.Net;
using Devp2p.Ipc.NodeIpc.Internal;

namespace Devp2p.Ipc.NodeIpc;

/// <summary>
/// One peer of a <see cref="NodeIpcServer"/>: an accepted Unix socket, named pipe, TCP or TLS
/// connection, or, for a UDP server, one remote address (node-ipc's <c>rinfo</c>). Pass it to the
/// server's <c>EmitAsync</c> to answer that peer.
/// </summary>
/// <remarks>
/// A stream socket lives from the server's <see cref="NodeIpcServer.Connected"/> event to its
/// <see cref="NodeIpcServer.SocketDisconnected"/> event; emitting to it afterwards throws
/// <see cref="IOException"/>. A UDP socket never closes.
/// </remarks>
public sealed class NodeIpcSocket
{
    private string? _id;

    internal NodeIpcSocket(NodeIpcSender sender, EndPoint? remoteEndPoint, bool isDatagram)
    {
        Sender = sender;
        RemoteEndPoint = remoteEndPoint;
        IsDatagram = isDatagram;
    }

    /// <summary>
    /// The id the peer announced: like node-ipc, the server sets it from the <c>id</c> property of a
    /// received message's <c>data</c> object when that property is truthy (a non-empty string, a
    /// non-zero number or true). <see langword="null"/> until then.
    /// </summary>
    public string? Id
    {
        get => Volatile.Read(ref _id);
        internal set => Volatile.Write(ref _id, value);
    }

    /// <summary>The peer's address: IP and port for TCP, TLS and UDP; null or the socket path otherwise.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Whether this is a UDP peer (no connection; each emit is one datagram).</summary>
    public bool IsDatagram { get; }

    /// <summary>Whether emits can still reach the peer: false once a stream socket has closed.</summary>
    public bool IsConnected => Sender.IsOpen;

    internal NodeIpcSender Sender { get; }

    /// <summary>Describes the socket by id and address, for logs.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"node-ipc socket {Id ?? "(no id)"} {RemoteEndPoint?.ToString() ?? "(local)"}";
}
