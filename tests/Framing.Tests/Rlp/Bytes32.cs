using System.Runtime.CompilerServices;

namespace Devp2p.Framing.Tests.Rlp;

/// <summary>32 bytes stored inline, so a struct message holding one decodes without allocating.</summary>
[InlineArray(Length)]
internal struct Bytes32
{
    public const int Length = 32;

    private byte _element0;
}
