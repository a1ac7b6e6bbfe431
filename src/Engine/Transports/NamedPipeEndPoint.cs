using System.Net;

namespace Devp2p.Transports;

/// <summary>The address of a named pipe (Windows named pipe; on Unix .NET maps it to a socket in the temp directory).</summary>
public sealed class NamedPipeEndPoint : EndPoint
{
    /// <summary>Creates an endpoint for a pipe on the local machine.</summary>
    /// <param name="pipeName">The pipe name without the <c>\\.\pipe\</c> prefix.</param>
    /// <exception cref="ArgumentException"><paramref name="pipeName"/> is empty.</exception>
    public NamedPipeEndPoint(string pipeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipeName);
        PipeName = pipeName;
    }

    /// <summary>The pipe name without the <c>\\.\pipe\</c> prefix.</summary>
    public string PipeName { get; }

    /// <summary>Returns the full Windows pipe path, <c>\\.\pipe\name</c>.</summary>
    /// <returns>The pipe path.</returns>
    public override string ToString() => @"\\.\pipe\" + PipeName;

    /// <summary>Two endpoints are equal when they name the same pipe.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns>Whether both name the same pipe.</returns>
    public override bool Equals(object? obj) => obj is NamedPipeEndPoint other && other.PipeName == PipeName;

    /// <summary>Hash of the pipe name.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(PipeName);
}
