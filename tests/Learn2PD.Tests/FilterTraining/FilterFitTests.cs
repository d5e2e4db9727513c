using Learn2PD.Core.Filter;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Oracle;
using static TorchSharp.torch;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>The fit: BCE falls on a learnable set, the metrics count what they claim, and a seed fixes the result.</summary>
public sealed class FilterFitTests
{
    private const int Width = 8;

    /// <summary>Records whose label is "confidence above 0.6": separable position by position.</summary>
    private static LabelTensors Separable(int count, int seed)
    {
        var random = new Random(seed);
        var records = new List<LabelRecord>();
        for (int i = 0; i < count; i++)
        {
            var confidences = Enumerable.Range(0, Width).Select(_ => (float)random.NextDouble()).ToArray();
            records.Add(new LabelRecord(0, i, confidences, confidences.Select(c => c > 0.6f).ToArray(), Enumerable.Repeat(true, Width).ToArray()));
        }
        return LabelTensors.From(records, Width);
    }

    [Fact]
    public void Fit_OnASeparableSet_DrivesTheBceDown_AndAcceptsOnlyCorrectPositionsAtAStrictThreshold()
    {
        using var train = Separable(512, seed: 1);
        using var validation = Separable(128, seed: 2);

        var fit = FilterFit.Run(train, validation, new FilterFitOptions { Iterations = 1000, LearningRate = 3e-2 });

        Assert.InRange(fit.InitialTrainLoss, 0.5, 1.0);
        Assert.True(fit.TrainLoss < 0.5 * fit.InitialTrainLoss, $"train BCE {fit.InitialTrainLoss} → {fit.TrainLoss}");
        Assert.True(fit.ValidationLoss < 0.5 * fit.InitialTrainLoss, $"validation BCE {fit.ValidationLoss}");
        // n hidden units for n independent step functions leave the 2-layer filter short of zero loss
        // (it plateaus near 0.26 here), but at a strict τ what it accepts is right: the property Learn2PD uses.
        var (probabilities, labels, _) = validation.MaskedScores(fit.Filter);
        var metrics = FilterMetrics.Measure(probabilities, labels, 0.9);
        Assert.True(metrics.Precision >= 0.95 && metrics.Recall >= 0.3, $"{metrics}");
        Assert.True(metrics.FalsePositiveRate <= 0.02, $"{metrics}");
    }

    [Fact]
    public void Fit_KeepsTheWeightsWithTheLowestValidationLoss()
    {
        using var train = Separable(256, seed: 1);
        using var validation = Separable(64, seed: 2);
        var reports = new List<FitProgress>();

        var fit = FilterFit.Run(train, validation, new FilterFitOptions { Iterations = 300, ReportEvery = 25, LearningRate = 3e-2 }, reports.Add);

        var best = reports.MinBy(r => r.ValidationLoss)!;
        Assert.Equal(12, reports.Count);
        Assert.Equal(best.Iteration, fit.BestIteration);
        Assert.Equal(best.ValidationLoss!.Value, fit.ValidationLoss!.Value, 5);
    }

    [Fact]
    public void Fit_WhenValidationOnlyGetsWorse_ReturnsTheInitialWeights()
    {
        using var train = Separable(256, seed: 1);
        using var inverted = Separable(64, seed: 2);
        using (no_grad()) inverted.Correct.copy_(1 - inverted.Correct); // the opposite rule

        var fit = FilterFit.Run(train, inverted, new FilterFitOptions { Iterations = 200, ReportEvery = 50, LearningRate = 3e-2 });

        Assert.Equal(0, fit.BestIteration);
        Assert.Equal(fit.InitialTrainLoss, fit.TrainLoss, 5);
    }

    [Fact]
    public void Fit_WithTheSameSeed_GivesTheSameWeights_AndAnotherSeedOthers()
    {
        using var train = Separable(64, seed: 1);
        var options = new FilterFitOptions { Iterations = 20, Seed = 7 };

        var a = FilterFit.Run(train, null, options).Filter;
        var b = FilterFit.Run(train, null, options).Filter;
        var c = FilterFit.Run(train, null, options with { Seed = 8 }).Filter;

        Assert.True(a.linear1.weight!.eq(b.linear1.weight!).all().item<bool>());
        Assert.True(a.linear2.bias!.eq(b.linear2.bias!).all().item<bool>());
        Assert.False(a.linear1.weight!.eq(c.linear1.weight!).all().item<bool>());
    }

    [Fact]
    public void Measure_CountsOnlyMaskedPositions_AtAStrictThreshold()
    {
        // A filter whose output logit is the input itself: accept where confidence > τ.
        var filter = new Learn2PdFilter(2);
        using (no_grad())
        {
            filter.linear1.weight!.copy_(eye(2));
            filter.linear1.bias!.zero_();
            filter.linear2.weight!.copy_(eye(2));
            filter.linear2.bias!.zero_();
        }
        double logit(double p) => Math.Log(p / (1 - p));
        using var data = LabelTensors.From(
        [
            new LabelRecord(0, 0, [(float)logit(0.9), (float)logit(0.2)], [true, true], [true, true]),    // TP, FN
            new LabelRecord(0, 1, [(float)logit(0.95), (float)logit(0.1)], [false, false], [true, true]), // FP, TN
            new LabelRecord(0, 2, [(float)logit(0.99), (float)logit(0.99)], [false, false], [false, false]), // committed: ignored
        ], 2);

        var (probabilities, labels, _) = data.MaskedScores(filter);
        var m = FilterMetrics.Measure(probabilities, labels, 0.5);

        Assert.Equal((4L, 2L, 2L), (m.Positions, m.Positives, m.Accepted));
        Assert.Equal(0.5, m.Precision, 6);
        Assert.Equal(0.5, m.Recall, 6);
        Assert.Equal(0.5, m.FalsePositiveRate, 6);
    }
}
