using Learn2PD.Core.Decoding;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// A batched step on the CPU does not pad rows that end-of-text prediction cut at very different lengths
/// to each other: it groups them by length, trading padded tokens against a fixed cost per forward.
/// </summary>
public sealed class LengthGroupTests
{
    [Fact]
    public void GroupByLength_RowsOfVeryDifferentLengths_GoToSeparateForwards()
    {
        var groups = DecodeRun.GroupByLength([131, 342, 130, 128], forwardCost: 32);

        Assert.Equal([[3, 2, 0], [1]], groups);
    }

    [Fact]
    public void GroupByLength_SimilarLengths_ShareOneForward()
    {
        var groups = DecodeRun.GroupByLength([130, 133, 131, 129], forwardCost: 32);

        Assert.Equal([[3, 0, 2, 1]], groups);
    }

    [Fact]
    public void GroupByLength_AForwardDearerThanThePadding_KeepsOneForward()
    {
        var groups = DecodeRun.GroupByLength([130, 342], forwardCost: 1000);

        Assert.Single(groups);
    }
}
