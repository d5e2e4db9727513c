using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Support;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// The distribution features (runner-up probability, entropy) cover only the block a policy reads, while
/// predictions and confidences cover the whole window that end-of-text prediction searches.
/// </summary>
public sealed class TokenPredictorTests
{
    [Fact]
    public void Predict_DistributionFeatures_CoverTheFirstPositionsOfEachRow()
    {
        using var generator = new Generator(7);
        var logits = randn([2, 10, 7], generator: generator) * 3;
        var predictor = new TokenPredictor(0, Remasking.LowConfidence, null, distribution: true);

        var window = predictor.Predict(logits, distributionWidth: 4);

        Assert.Equal(20, window.Predictions.Length);
        Assert.Equal(20, window.Confidences.Length);
        Assert.Equal(4, window.DistributionWidth);
        Assert.Equal(8, window.SecondConfidences!.Length);
        Assert.Equal(8, window.Entropies!.Length);
        var values = logits.to(ScalarType.Float64).data<double>().ToArray();
        for (int r = 0; r < 2; r++)
        {
            for (int j = 0; j < 4; j++)
            {
                var row = values.AsSpan((r * 10 + j) * 7, 7).ToArray();
                double max = row.Max();
                var p = row.Select(l => Math.Exp(l - max)).ToArray();
                double sum = p.Sum();
                p = p.Select(x => x / sum).OrderDescending().ToArray();
                Assert.Equal(p[0], window.Confidences[r * 10 + j], 1e-12);
                Assert.Equal(p[1], window.SecondConfidences[r * 4 + j], 1e-12);
                Assert.Equal(-p.Sum(x => x * Math.Log(x)), window.Entropies[r * 4 + j], 1e-12);
            }
        }
    }

    [Fact]
    public void Predict_WindowNarrowerThanTheBlock_HasFeaturesForEveryPosition()
    {
        var logits = randn([1, 3, 5]);
        var window = new TokenPredictor(0, Remasking.LowConfidence, null, distribution: true).Predict(logits, distributionWidth: 32);

        Assert.Equal(3, window.DistributionWidth);
        Assert.Equal(3, window.Entropies!.Length);
    }

    [SkippableFact]
    public void Decode_BatchWithEndOfTextAndNoCache_GivesEachRowTheFeaturesOfItsOwnBlock()
    {
        // Without a cache end-of-text prediction widens the window past the block, so each batch row's
        // features sit at another offset than its predictions.
        var cases = GoldenCases.Load();
        var a = cases.Single(c => c.Name == "l2p_filter_eotp_nocache_b");
        var b = cases.Single(c => c.Name == "l2p_filter_eotp_nocache_d");
        Assert.Equal(CacheKind.None, a.Options.Cache);
        Assert.True(a.Options.EndOfTextPrediction);
        var decoder = new BlockDecoder(GoldenModels.TinyModel());
        // τ_f above 1: the filter never accepts, so every commit is the schedule's and batch noise cannot change it.
        var policy = new FilterPolicy(new PositionFilter(), 1.5);

        var batched = new List<StepTrace>();
        decoder.Decode([a.PromptIds, b.PromptIds], a.Options, policy, batched.Add);
        var alone = new List<StepTrace>();
        decoder.Decode([b.PromptIds], a.Options, policy, alone.Add);

        var second = batched.Where(t => t.Row == 1).ToList();
        Assert.Equal(alone.Count, second.Count);
        for (int i = 0; i < alone.Count; i++)
        {
            Assert.Equal(alone[i].Predictions, second[i].Predictions);
            Assert.Equal(alone[i].Entropies!.Length, second[i].Entropies!.Length);
            for (int j = 0; j < alone[i].Entropies!.Length; j++)
            {
                Assert.Equal(alone[i].Entropies![j], second[i].Entropies![j], 1e-4);
                Assert.Equal(alone[i].SecondConfidences![j], second[i].SecondConfidences![j], 1e-4);
            }
        }
    }
}
