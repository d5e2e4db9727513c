using Learn2PD.Core;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.FilterTraining;

public sealed class PromptSplitTests
{
    [Fact]
    public void Create_HoldsOutWholePrompts_DisjointCoveringAndFixedBySeed()
    {
        var split = PromptSplit.Create(200, 0.2, seed: 5);

        Assert.Equal(40, split.Validation.Count);
        Assert.Empty(split.Train.Intersect(split.Validation));
        Assert.Equal(Enumerable.Range(0, 200), split.Train.Concat(split.Validation).Order());
        Assert.Equal(split.Validation, PromptSplit.Create(200, 0.2, seed: 5).Validation);
        Assert.NotEqual(split.Validation, PromptSplit.Create(200, 0.2, seed: 6).Validation);
    }

    [Fact]
    public void Create_KeepsAtLeastOnePromptOnEachSide()
    {
        var split = PromptSplit.Create(2, 0.01, seed: 0);

        Assert.Single(split.Train);
        Assert.Single(split.Validation);
        Assert.Throws<Learn2PdException>(() => PromptSplit.Create(1, 0.2, seed: 0));
    }

    [Fact]
    public void Plan_BatchesBySortedLength_SoPaddingStaysSmall()
    {
        int[][] prompts = [[1, 2, 3], [1], [1, 2, 3, 4, 5], [1, 2]];

        var batches = PromptBatches.Plan(prompts, [0, 1, 2, 3], batchSize: 2);

        Assert.Equal([[1, 3], [0, 2]], batches);
    }
}
