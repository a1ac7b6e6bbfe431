using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>256 bytes stored inline, so a struct message holding one decodes without allocating.</summary>
[InlineArray(Length)]
internal struct Bytes256
{
    public const int Length = 256;

    private byte _element0;
}
