using Learn2PD.Train.Tasks;

namespace Learn2PD.Tests.Tasks;

public sealed class GsmScorerTests
{
    [Theory]
    [InlineData("The answer is 5.\n#### 1,234", "1234")]
    [InlineData("#### 3\n#### 4", "3")]
    [InlineData("#### -12.5", "-12.5")]
    [InlineData("so #### 7.", "7")]
    [InlineData("#### $5", null)]
    [InlineData("The answer is 5.", null)]
    [InlineData("####5", null)]
    public void StrictMatch_TakesTheFirstHashAnswer(string text, string? expected) =>
        Assert.Equal(expected, GsmScorer.StrictMatch(text));

    [Theory]
    [InlineData("I had 3 apples, ate 2, so 1 is left", "1")]
    [InlineData("The answer is 5.\n#### 1,234", "1234")]
    [InlineData("It costs $5.", "5")]
    [InlineData("$5.", "5")]
    [InlineData("She owes -3 dollars", "-3")]
    [InlineData("no digits here", null)]
    public void FlexibleExtract_TakesTheLastNumber(string text, string? expected) =>
        Assert.Equal(expected, GsmScorer.FlexibleExtract(text));

    [Theory]
    [InlineData("#### 5\n\nQuestion: next one", "#### 5\n\n")]
    [InlineData("a</s>b<|im_end|>c", "a")]
    [InlineData("a<|im_end|>b</s>", "a")]
    [InlineData("no stop here", "no stop here")]
    public void CutAtStop_KeepsTextBeforeTheEarliestStopString(string text, string expected) =>
        Assert.Equal(expected, GsmScorer.CutAtStop(text));

    [Theory]
    [InlineData("1234", "Mia has 1,234 pencils.\n#### 1,234", true)]
    [InlineData("5", "$5.", true)]
    [InlineData("5", "#### 6", false)]
    [InlineData(null, "#### 5", false)]
    public void IsCorrect_ComparesWithTheNormalizedReference(string? prediction, string reference, bool expected) =>
        Assert.Equal(expected, GsmScorer.IsCorrect(prediction, reference));

    [Fact]
    public void Normalize_DropsOneTrailingDotLikeLmEval() =>
        Assert.Equal("5.", GsmScorer.Normalize("5.."));

    [Fact]
    public void Score_CutsAtTheStopStringBeforeExtracting()
    {
        GsmScore score = GsmScorer.Score("Mia has 4 + 1 = 5 pencils.\n#### 5\nQuestion: Leo has 6.\n#### 6", "x\n#### 5");
        Assert.Equal(new GsmScore("5", "5", true, true), score);
    }

    [Fact]
    public void Score_FlexibleCanBeRightWhereStrictFails()
    {
        GsmScore score = GsmScorer.Score("Mia has 4 + 1 = 5 pencils.", "#### 5");
        Assert.Equal(new GsmScore(null, "5", false, true), score);
    }

    [Fact]
    public void GeneratedProblems_ScoreTheirOwnAnswersCorrect() =>
        Assert.All(ArithmeticTask.Default.Test(100), p =>
            Assert.Equal(new GsmScore(p.FinalAnswer, p.FinalAnswer, true, true), GsmScorer.Score(p.Answer, p.Answer)));
}
