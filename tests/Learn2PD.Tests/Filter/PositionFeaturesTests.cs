using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Filter;

/// <summary>What a per-position filter reads about each block position, on hand-built steps.</summary>
public sealed class PositionFeaturesTests
{
    private static float[] Compute(int step, bool[] eot, float[] confidence, float[] second, float[] entropy, string masked, int[] stable)
    {
        var features = new float[masked.Length * PositionFeatures.Count];
        PositionFeatures.Compute(new StepView(step, eot, confidence, second, entropy, masked.Select(c => c == 'm').ToArray(), stable), features);
        return features;
    }

    private static float Feature(float[] features, int position, string name) =>
        features[position * PositionFeatures.Count + PositionFeatures.Names.ToList().IndexOf(name)];

    [Fact]
    public void Features_DescribeEachPosition_AndItsNeighbourhood()
    {
        var f = Compute(step: 2, eot: [false, false, true, true], confidence: [0.9f, 0.6f, 0.99f, 0.7f], second: [0.05f, 0.3f, 0.01f, 0.2f],
            entropy: [0.3f, 1.5f, 0.1f, 6f], masked: ".mmm", stable: [0, 1, 3, 9]);

        Assert.Equal(0.6f, Feature(f, 1, "confidence"));
        Assert.Equal(0.3f, Feature(f, 1, "margin"), 5);
        Assert.Equal(0.5f, Feature(f, 1, "entropy"), 5);        // nats / 3
        Assert.Equal(1f, Feature(f, 3, "entropy"));              // capped
        Assert.Equal(0.25f, Feature(f, 1, "stable"));
        Assert.Equal(1f, Feature(f, 3, "stable"));                // capped at 4 steps
        Assert.Equal(0.25f, Feature(f, 0, "step"));
        Assert.Equal(1f / 3, Feature(f, 1, "position"), 5);
        Assert.Equal(1f, Feature(f, 1, "left_committed"));        // position 0 is committed
        Assert.Equal(0f, Feature(f, 2, "left_committed"));
        Assert.Equal(1f, Feature(f, 3, "right_committed"));       // the block's end counts as context
        Assert.Equal(0.25f, Feature(f, 2, "block_committed"));
        Assert.Equal((1f, 0f), (Feature(f, 2, "predicts_eot"), Feature(f, 2, "left_predicts_eot")));
        Assert.Equal(1f, Feature(f, 3, "left_predicts_eot"));
        Assert.Equal((0.9f, 0.99f), (Feature(f, 1, "left_confidence"), Feature(f, 1, "right_confidence")));
        Assert.Equal((1f, 0f), (Feature(f, 1, "leftmost_masked"), Feature(f, 2, "leftmost_masked")));
        Assert.Equal(0.25f, Feature(f, 2, "masked_before"));      // position 1
        Assert.True(Feature(f, 0, "log_odds") > 0 && Feature(f, 1, "log_odds") < Feature(f, 0, "log_odds"));
    }

    [Fact]
    public void Features_DoNotDependOnTheBlockLength_BeyondThePositionScale()
    {
        // The same left half of a block of 4 and of 8: every feature but the scaled ones agree.
        var four = Compute(0, [false, false, false, false], [0.5f, 0.8f, 0.9f, 0.9f], [0.1f, 0.1f, 0.05f, 0.05f], [1, 0.5f, 0.3f, 0.3f], "mmmm", [0, 0, 0, 0]);
        var eight = Compute(0, new bool[8], [0.5f, 0.8f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f], [0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f],
            [1, 0.5f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f], "mmmmmmmm", new int[8]);
        foreach (string name in new[] { "confidence", "margin", "entropy", "log_odds", "stable", "step", "left_committed", "predicts_eot", "right_confidence" })
            Assert.Equal(Feature(four, 1, name), Feature(eight, 1, name));
    }

    [SkippableFact]
    public void FilterPolicy_WithAPositionFilter_GetsDistributionFeaturesFromTheDecoder()
    {
        var golden = GoldenCases.Load().First(c => c.Method.Policy == PolicyKind.Fixed && c.Options.Cache == CacheKind.None && !c.Options.EndOfTextPrediction && c.Options.CfgScale == 0);
        var seen = new List<StepTrace>();
        var policy = new FilterPolicy(new PositionFilter(), 0.99);
        Assert.True(policy.ReadsDistribution);

        new BlockDecoder(GoldenModels.TinyModel()).Decode([golden.PromptIds], golden.Options with { Steps = golden.Options.GenLength }, policy, seen.Add);

        Assert.All(seen, t => Assert.Contains(t.Entropies!, e => e > 0));
        Assert.All(seen, t => Assert.All(t.Confidences.Zip(t.SecondConfidences!), p => Assert.True(p.First >= p.Second)));
        Assert.Contains(seen, t => t.Stable!.Any(k => k > 0));
    }
}
