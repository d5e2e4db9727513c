using Learn2PD.Core.Decoding;
using Learn2PD.Eval;

namespace Learn2PD.Tests.Evaluation;

/// <summary>Families' accuracy–speed frontiers, their speed-up ceilings, and the like-for-like filter comparisons.</summary>
public sealed class FrontierTests
{
    private static MethodResult Result(string method, double accuracy, double nfe, int genLength = 64) => new()
    {
        Method = method, GenLength = genLength, N = 100, Accuracy = accuracy, AccuracyStrict = accuracy, AccuracyFlexible = accuracy,
        MeanNfe = nfe, MeanLatencyMs = nfe * 10, TokensPerSecond = 1, Tpf = genLength / nfe, MeanGeneratedTokens = genLength,
        MeanTextTokens = 10, SpeedupNfe = genLength / nfe, SpeedupTime = genLength / nfe,
    };

    private static IReadOnlyList<FamilyFrontier> Compute(params MethodResult[] results) =>
        FamilyFrontier.Compute(results, m => m.Policy == PolicyKind.Threshold ? 0.9 : 0.5, blockLength: 32);

    [Fact]
    public void BestWithin_TakesTheFastestPointInsideTheMargin()
    {
        var frontiers = Compute(Result("baseline", 90, 64), Result("threshold@0.5", 80, 2), Result("threshold@0.7", 89.5, 3),
            Result("threshold@0.9", 90, 4), Result("threshold@0.95", 88.5, 5));

        var threshold = Assert.Single(frontiers);
        Assert.Equal(0.7, threshold.BestWithin1Pt!.Param);
        Assert.Equal(0.7, threshold.BestWithin2Pt!.Param);
        Assert.Equal([0.5, 0.7, 0.9], threshold.Pareto.Select(p => p.Param).OrderBy(p => p));
    }

    [Fact]
    public void SpeedupCeiling_IsOneForwardPerBlock_OrOneInAllWithEndOfTextPrediction()
    {
        var frontiers = Compute(Result("baseline", 90, 64), Result("l2p@0.5", 90, 2), Result("l2p+eotp@0.5", 90, 1.2));

        Assert.Equal(32, frontiers.Single(f => f.Family == "l2p").SpeedupCeiling, 12);        // 64 forwards over 2 blocks
        Assert.Equal(64, frontiers.Single(f => f.Family == "l2p+eotp").SpeedupCeiling, 12);   // one forward
    }

    [Fact]
    public void Comparisons_PairEachFilterFamilyWithTheThresholdOfTheSameCacheAndEndOfText()
    {
        var comparisons = FilterComparison.Compute(Compute(
            Result("baseline", 100, 256, 256),
            Result("threshold+eotp@0.5", 100, 1.07, 256), Result("l2p+eotp@0.5", 100, 1, 256),
            Result("threshold+eotp+dual@0.5", 97, 1.5, 256), Result("threshold+eotp+dual@0.9", 99, 2, 256),
            Result("l2p+eotp+dual@0.5", 98, 1, 256),
            Result("l2p+eotp+prefix@0.5", 100, 1, 256), Result("threshold@0.9", 100, 8, 256)));

        Assert.Equal(["l2p+eotp", "l2p+eotp+dual"], comparisons.Select(c => c.FilterFamily));
        var eotp = comparisons[0];
        Assert.Equal(("threshold+eotp", 1.0), (eotp.ThresholdFamily, eotp.Margin));
        Assert.Equal(1.07, eotp.Ratio!.Value, 9);
        Assert.Equal(1.07, eotp.RatioCeiling!.Value, 9);   // the filter is at the ceiling: no policy could do better
        var dual = comparisons[1];
        Assert.Equal(("threshold+eotp+dual", 2.0), (dual.ThresholdFamily, dual.Margin));
        Assert.Equal(0.9, dual.ThresholdBest!.Param);       // 97% is 3 points below the baseline
        Assert.Equal(2.0, dual.Ratio!.Value, 9);
    }

    [Fact]
    public void Comparison_WithoutAThresholdPointInsideTheMargin_HasNoRatio()
    {
        var comparison = Assert.Single(FilterComparison.Compute(Compute(
            Result("baseline", 90, 64), Result("threshold@0.9", 80, 4), Result("l2p@0.5", 90, 2))));

        Assert.Null(comparison.ThresholdBest);
        Assert.Null(comparison.Ratio);
        Assert.Null(comparison.RatioCeiling);
    }
}
