using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Tests.Support;
using Learn2PD.Train.FilterTraining;
using Learn2PD.Train.Oracle;
using static TorchSharp.torch;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>Choosing τ_f: the fastest one that keeps the answers, measured by decoding.</summary>
public sealed class ThresholdCalibrationTests
{
    private static readonly CalibrationPoint[] Sweep =
    [
        new(0.5, MeanNfe: 20, Agreement: 0.80, TokenAgreement: 0.97),
        new(0.8, MeanNfe: 30, Agreement: 0.80, TokenAgreement: 0.98),
        new(0.9, MeanNfe: 41, Agreement: 0.99, TokenAgreement: 0.999),
        new(0.95, MeanNfe: 41, Agreement: 1.00, TokenAgreement: 1.0),
        new(0.99, MeanNfe: 70, Agreement: 1.00, TokenAgreement: 1.0),
    ];

    [Fact]
    public void Choose_PicksTheFastestThresholdMeetingTheAgreement_StricterOnATie()
    {
        var choice = ThresholdCalibration.Choose(Sweep, minAgreement: 0.99);

        Assert.True(choice.MeetsAgreement);
        Assert.Equal(0.95, choice.Point.Threshold);
    }

    [Fact]
    public void Choose_CountsExactlyTheTargetAsMeetingIt()
    {
        var sweep = new[] { new CalibrationPoint(0.8, 30, 99 / 100.0, 1), new CalibrationPoint(0.99, 60, 1, 1) };

        Assert.Equal(0.8, ThresholdCalibration.Choose(sweep, 0.99).Point.Threshold);
    }

    [Fact]
    public void Choose_WhenNoThresholdMeetsTheAgreement_FallsBackToTheMostFaithful_NotTheFastest()
    {
        var choice = ThresholdCalibration.Choose(Sweep[..2], minAgreement: 0.9);

        Assert.False(choice.MeetsAgreement);
        Assert.Equal(0.8, choice.Point.Threshold); // equal agreement: the one with more tokens right
    }

    [SkippableFact]
    public void Sweep_AFilterThatNeverAccepts_ReproducesTheReferencesAtTheBaselinesNfe()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var decoder = new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel());
        var recorder = new OracleLabels(decoder, 64, 32);
        var batches = PromptBatches.Plan(prompts, [0, 1, 2], batchSize: 2);
        var references = new Dictionary<int, long[]>();
        foreach (var batch in batches)
        {
            var labels = recorder.RecordBatch(batch.Select(i => prompts[i]).ToArray());
            for (int r = 0; r < batch.Length; r++) references[batch[r]] = labels[r].Reference;
        }
        var silent = new Learn2PdFilter(32);
        using (no_grad())
        {
            foreach (var p in silent.parameters()) p.zero_();
            silent.linear2.bias!.fill_(-100);
        }

        var points = ThresholdCalibration.Sweep(decoder, silent, DecodingMethods.Parse("l2p"), recorder.Baseline, prompts, batches, references, [0.5]);

        Assert.Equal(new CalibrationPoint(0.5, 64, 1, 1), points.Single());
    }

    [SkippableFact]
    public void Sweep_TheGoldenFilter_NeedsFewerForwardsAtLowerThresholds()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var decoder = new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel());
        var batches = PromptBatches.Plan(prompts, [0, 1, 2], batchSize: 3);
        var references = Enumerable.Range(0, 3).ToDictionary(i => i, i => new long[64]);
        var baseline = new DecodeOptions { GenLength = 64, BlockLength = 32, Steps = 64 }.Validate();

        var points = ThresholdCalibration.Sweep(decoder, GoldenModels.Filter(), DecodingMethods.Parse("l2p"), baseline, prompts, batches, references, [0.5, 0.99]);

        Assert.True(points[0].MeanNfe < points[1].MeanNfe, $"{points[0]} vs {points[1]}");
        Assert.True(points[1].MeanNfe <= 64);
    }
}
