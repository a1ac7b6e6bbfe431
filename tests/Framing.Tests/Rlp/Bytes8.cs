using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>8 bytes stored inline, so a struct message holding one decodes without allocating.</summary>
[InlineArray(Length)]
internal struct Bytes8
{
    public const int Length = 8;

    private byte _element0;
}
