using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>20 bytes stored inline, so a struct message holding one decodes without allocating.</summary>
[InlineArray(Length)]
internal struct Bytes20
{
    public const int Length = 20;

    private byte _element0;
}
