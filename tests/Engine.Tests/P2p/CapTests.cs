using Xunit;

namespace Devp2p.Engine.Tests.P2p;

public sealed class CapTests
{
    [Fact]
    public void ToStringIsNameSlashVersion()
    {
        Assert.Equal("eth/68", new Cap("eth", 68).ToString());
        Assert.Equal("snap/1", new Cap("snap", 1).ToString());
    }

    [Fact]
    public void OrdersByNameThenVersion()
    {
        Cap[] caps = [new("snap", 1), new("eth", 68), new("les", 4), new("eth", 66), new("eth", 100)];
        Array.Sort(caps);
        Assert.Equal(["eth/66", "eth/68", "eth/100", "les/4", "snap/1"], caps.Select(c => c.ToString()));
        Assert.True(new Cap("eth", 67) < new Cap("eth", 68));
        Assert.True(new Cap("les", 1) > new Cap("eth", 99));
        Assert.Equal(0, new Cap("eth", 68).CompareTo(new Cap("eth", 68)));
    }
}
