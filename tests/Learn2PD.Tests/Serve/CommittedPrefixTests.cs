using Learn2PD.Core.Decoding;
using Learn2PD.Serve;

namespace Learn2PD.Tests.Serve;

/// <summary>Streaming sends the run of committed positions from the answer's start: tokens committed out of order wait for the gap before them.</summary>
public sealed class CommittedPrefixTests
{
    private static StepTrace Step(int answerOffset, bool[] committed, long[] tokens, int? cut = null) =>
        new(0, answerOffset / 4, 0, 10 + answerOffset, answerOffset, tokens, new double[4], new bool[4], committed, tokens, cut);

    [Fact]
    public void Prefix_GrowsOnlyWhenTheGapBeforeCommittedTokensIsFilled()
    {
        var prefix = new CommittedPrefix(8);

        Assert.False(prefix.Apply(Step(0, [false, false, true, true], [5, 6, 7, 8])));
        Assert.Equal(0, prefix.Length);
        Assert.True(prefix.Apply(Step(0, [true, false, false, false], [5, 6, 7, 8])));
        Assert.Equal([5L], prefix.Snapshot());
        Assert.True(prefix.Apply(Step(0, [false, true, false, false], [5, 6, 7, 8])));
        Assert.Equal([5L, 6, 7, 8], prefix.Snapshot());
    }

    [Fact]
    public void Prefix_EndsAtAnEndOfTextCut()
    {
        var prefix = new CommittedPrefix(8);

        prefix.Apply(Step(0, [true, true, true, true], [5, 6, 7, 8]));
        // The cut ends the answer after position 5 (absolute 16 = answer start 10 + 6).
        Assert.True(prefix.Apply(Step(4, [true, true, false, false], [0, 0, 0, 0], cut: 16)));

        Assert.Equal([5L, 6, 7, 8, 0, 0], prefix.Snapshot());
    }

    [Theory]
    [InlineData(new long[] { 5, 6, 0, 0 }, 8, new long[] { 5, 6 }, "stop")]
    [InlineData(new long[] { 5, 6, 7, 8 }, 8, new long[] { 5, 6, 7, 8 }, "length")]
    [InlineData(new long[] { 5, 6, 7, 0 }, 2, new long[] { 5, 6 }, "length")]
    [InlineData(new long[] { 5, 6, 0 }, 2, new long[] { 5, 6 }, "stop")]
    public void Answer_IsCutAtEndOfTextAndMaxTokens(long[] ids, int maxTokens, long[] expected, string finish)
    {
        var answer = Answer.From(ids, endOfText: 0, maxTokens);

        Assert.Equal(expected, answer.Ids);
        Assert.Equal(finish, answer.FinishReason);
    }
}
