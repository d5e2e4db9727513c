using Learn2PD.Core.Decoding;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>
/// Labels against several references (<see cref="ReferenceSampling"/>): a step's predictions are right when,
/// read left to right, they follow one reference that its committed tokens still allow.
/// </summary>
public sealed class ReferenceLabelsTests
{
    private const long Eot = 0;

    // Two wordings of one answer: "7 1 3 4" and "8 2 3 4" (tokens as ids), end-of-text after.
    private static readonly long[] First = [7, 1, 3, 4], Second = [8, 2, 3, 4];

    private static StepTrace Step(long[] predictions, string masked, int answerOffset = 0) => new(
        Row: 0, Block: 0, Step: 0, BlockStart: 10 + answerOffset, AnswerOffset: answerOffset, predictions,
        predictions.Select(_ => 0.5).ToArray(), masked.Select(c => c == 'm').ToArray(),
        new bool[predictions.Length], new long[predictions.Length], null);

    private static bool[] Labels(StepTrace step, long[] canvas, params long[][] references) =>
        OracleLabels.Record(step, canvas, references, Eot, LabelRecord.OracleTrajectory, committedAreCorrect: false)!.Correct;

    private static long[] Empty(int length) => Enumerable.Repeat(-1L, length).ToArray();

    [Fact]
    public void OneReference_IsThePapersLabel_PredictionEqualsReference()
    {
        var step = Step([8, 1, 3, 4, 0], "mmmmm");

        Assert.Equal([false, true, true, true, true], Labels(step, Empty(8), First));
    }

    [Fact]
    public void SeveralReferences_APredictionStartingEitherWording_IsRight_ButNotTwoWordingsAtOnce()
    {
        // 8 starts the second wording; 1 belongs to the first, so it is wrong beside 8; 3 and 4 are in both.
        var step = Step([8, 1, 3, 4, 0], "mmmmm");

        Assert.Equal([true, false, true, true, true], Labels(step, Empty(8), First, Second));
    }

    [Fact]
    public void CommittedTokens_RuleOutTheWordingsTheyContradict()
    {
        // The first token is committed as 7: only the first wording is reachable, so a predicted 2 is wrong.
        var step = Step([7, 2, 3], "cmm");
        var canvas = Empty(8);
        canvas[0] = 7;

        Assert.Equal([true, false, true], Labels(step, canvas, First, Second));
    }

    [Fact]
    public void AStepNoReferenceAllows_IsNotRecorded()
    {
        var canvas = Empty(8);
        canvas[0] = 9;

        Assert.Null(OracleLabels.Record(Step([9, 1], "cm"), canvas, [First, Second], Eot, LabelRecord.OracleTrajectory, false));
    }

    [Fact]
    public void PastAReferencesEnd_ItHoldsEndOfText()
    {
        var step = Step([0, 0], "mm", answerOffset: 4);

        Assert.Equal([true, true], Labels(step, Empty(8), First));
    }
}
