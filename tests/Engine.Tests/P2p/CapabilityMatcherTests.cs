using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class CapabilityMatcherTests
{
    private static readonly ProtocolSpec s_eth66 = new("eth", 66, 17);
    private static readonly ProtocolSpec s_eth67 = new("eth", 67, 17);
    private static readonly ProtocolSpec s_eth68 = new("eth", 68, 17);
    private static readonly ProtocolSpec s_snap1 = new("snap", 1, 8);
    private static readonly ProtocolSpec s_les4 = new("les", 4, 23);

    [Fact]
    public void SharedProtocolsGetOffsetsInNameOrder()
    {
        // snap is listed first by both sides but sorts after eth, so eth gets 16.
        List<MatchedProtocol> matched = CapabilityMatcher.Match(
            [s_snap1, s_eth66, s_eth67],
            [new Cap("snap", 1), new Cap("eth", 67), new Cap("les", 4)]);

        Assert.Equal([new MatchedProtocol(s_eth67, 16), new MatchedProtocol(s_snap1, 16 + 17)], matched);
    }

    [Fact]
    public void HighestSharedVersionWins()
    {
        // We speak 66-68, they speak 66, 67 and 69: 67 is the highest both speak.
        List<MatchedProtocol> matched = CapabilityMatcher.Match(
            [s_eth66, s_eth68, s_eth67],
            [new Cap("eth", 69), new Cap("eth", 67), new Cap("eth", 66)]);

        Assert.Equal([new MatchedProtocol(s_eth67, 16)], matched);
    }

    [Fact]
    public void ALowerVersionWithAnotherLengthDoesNotShiftLaterOffsets()
    {
        // eth/66 matches first and is replaced by eth/68; the reverted offset must use eth/66's
        // length, or les would start in the wrong place.
        var eth66Short = new ProtocolSpec("eth", 66, 5);
        List<MatchedProtocol> matched = CapabilityMatcher.Match(
            [eth66Short, s_eth68, s_les4, s_snap1],
            [new Cap("eth", 66), new Cap("eth", 68), new Cap("les", 4), new Cap("snap", 1)]);

        Assert.Equal(
            [new MatchedProtocol(s_eth68, 16), new MatchedProtocol(s_les4, 33), new MatchedProtocol(s_snap1, 56)],
            matched);
    }

    [Fact]
    public void NoSharedCapabilityGivesEmpty()
    {
        Assert.Empty(CapabilityMatcher.Match([s_eth68, s_snap1], [new Cap("les", 4), new Cap("bzz", 1)]));
        Assert.Empty(CapabilityMatcher.Match([s_eth68], []));
        Assert.Empty(CapabilityMatcher.Match([], [new Cap("eth", 68)]));
    }

    [Fact]
    public void SameNameWithOnlyDifferentVersionsDoesNotMatch()
    {
        Assert.Empty(CapabilityMatcher.Match([s_eth66, s_eth67], [new Cap("eth", 68), new Cap("eth", 65)]));
    }

    [Fact]
    public void NamesCompareOrdinallyAndExactly()
    {
        Assert.Empty(CapabilityMatcher.Match([s_eth68], [new Cap("ETH", 68), new Cap("eth ", 68)]));
    }

    [Fact]
    public void RemoteCapsAreNotReordered()
    {
        Cap[] theirs = [new Cap("snap", 1), new Cap("eth", 68)];
        CapabilityMatcher.Match([s_eth68, s_snap1], theirs);
        Assert.Equal([new Cap("snap", 1), new Cap("eth", 68)], theirs);
    }

    [Fact]
    public void DuplicateRemoteCapTakesOneSlot()
    {
        List<MatchedProtocol> matched = CapabilityMatcher.Match(
            [s_eth68, s_snap1],
            [new Cap("eth", 68), new Cap("eth", 68), new Cap("snap", 1)]);

        Assert.Equal([new MatchedProtocol(s_eth68, 16), new MatchedProtocol(s_snap1, 33)], matched);
    }
}
