using Devp2p.Tests;
using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class DisconnectMessageTests
{
    public static TheoryData<DiscReason, string> GoEthereumTexts => new()
    {
        { DiscReason.Requested, "disconnect requested" },
        { DiscReason.NetworkError, "network error" },
        { DiscReason.ProtocolError, "breach of protocol" },
        { DiscReason.UselessPeer, "useless peer" },
        { DiscReason.TooManyPeers, "too many peers" },
        { DiscReason.AlreadyConnected, "already connected" },
        { DiscReason.IncompatibleVersion, "incompatible p2p protocol version" },
        { DiscReason.InvalidIdentity, "invalid node identity" },
        { DiscReason.Quitting, "client quitting" },
        { DiscReason.UnexpectedIdentity, "unexpected identity" },
        { DiscReason.Self, "connected to self" },
        { DiscReason.ReadTimeout, "read timeout" },
        { DiscReason.SubprotocolError, "subprotocol error" },
    };

    [Theory]
    [MemberData(nameof(GoEthereumTexts))]
    public void TextMatchesGoEthereum(DiscReason reason, string text) => Assert.Equal(text, reason.ToText());

    [Fact]
    public void ValuesMatchGoEthereum()
    {
        Assert.Equal(0x00, (byte)DiscReason.Requested);
        Assert.Equal(0x0b, (byte)DiscReason.ReadTimeout);
        Assert.Equal(0x10, (byte)DiscReason.SubprotocolError);
        Assert.Equal(0xff, (byte)DiscReason.Invalid);
    }

    [Theory]
    [InlineData(0x0c)]
    [InlineData(0x0f)]
    [InlineData(0x11)]
    [InlineData(0x80)]
    [InlineData(0xff)]
    public void UnknownValuesGetTheUnknownText(byte value) =>
        Assert.Equal($"unknown disconnect reason {value}", ((DiscReason)value).ToText());

    [Fact]
    public void EveryReasonRoundTripsThroughTheListForm()
    {
        for (int value = 0; value <= byte.MaxValue; value++)
        {
            var reason = (DiscReason)value;
            byte[] buffer = new byte[DisconnectMessage.GetLength(reason)];
            Assert.Equal(buffer.Length, DisconnectMessage.Encode(reason, buffer));

            // A one-item list: 0xc1 then the bare byte, or 0xc2 0x81 then the byte from 0x80 on.
            Assert.Equal(value < 0x80 ? 0xc1 : 0xc2, buffer[0]);
            Assert.Equal(reason, DisconnectMessage.Decode(buffer));
        }
    }

    [Theory]
    [InlineData("c104", DiscReason.TooManyPeers)] // [4], what we and go-ethereum send
    [InlineData("c180", DiscReason.Requested)] // [0]
    [InlineData("c110", DiscReason.SubprotocolError)]
    [InlineData("c2818a", (DiscReason)0x8a)] // a reason from 0x80 needs the string form inside the list
    [InlineData("c30805ff", DiscReason.Quitting)] // items after the first are ignored
    [InlineData("04", DiscReason.TooManyPeers)] // legacy: the bare byte
    [InlineData("80", DiscReason.Requested)] // legacy: zero as the empty string
    [InlineData("0bc0", DiscReason.ReadTimeout)] // go-ethereum stops after the first value
    public void DecodesListAndLegacyForms(string payload, DiscReason expected) =>
        Assert.Equal(expected, DisconnectMessage.Decode(TestVectors.Hex(payload)));

    [Theory]
    [InlineData("")] // no payload at all
    [InlineData("c0")] // empty list: go-ethereum's Decode hits the list end
    [InlineData("00")] // zero must be 0x80 (non-canonical integer)
    [InlineData("c100")]
    [InlineData("820100")] // 256 does not fit in a byte
    [InlineData("c3820100")]
    [InlineData("8105")] // non-canonical single byte
    [InlineData("c5")] // list header without its content
    [InlineData("c1c0")] // a list where the reason should be
    public void UndecodablePayloadsGiveInvalid(string payload) =>
        Assert.Equal(DiscReason.Invalid, DisconnectMessage.Decode(TestVectors.Hex(payload)));
}
