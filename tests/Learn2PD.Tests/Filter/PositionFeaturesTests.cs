using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Tests.Decoding;
using Learn2PD.Tests.Support;

namespace Learn2PD.Tests.Filter;

/// <summary>What a per-position filter reads about each block position, on hand-built steps.</summary>
public sealed class PositionFeaturesTests
{
    private const long EndOfText = 0;

    /// <param name="text">The block's text (default: end-of-text where <paramref name="eot"/> says, distinct words elsewhere).</param>
    private static float[] Compute(int step, bool[] eot, float[] confidence, float[] second, float[] entropy, string masked, int[] stable, long[]? text = null)
    {
        text ??= eot.Select((e, j) => e ? EndOfText : 100L + j).ToArray();
        var features = new float[masked.Length * PositionFeatures.Count];
        PositionFeatures.Compute(new StepView(step, eot, confidence, second, entropy, masked.Select(c => c == 'm').ToArray(), stable, text, EndOfText), features);
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
    public void TextFeatures_MarkRepeatedWords_AndTheEndOfTextRun()
    {
        // " 7 4 4 = 3 ####" then end-of-text: the repeated 4 is one slot written twice, the run starts after ####.
        long[] text = [7, 4, 4, 12, 3, 50, EndOfText, EndOfText, EndOfText];
        var eot = text.Select(t => t == EndOfText).ToArray();
        int n = text.Length;
        var f = Compute(1, eot, Enumerable.Repeat(0.5f, n).ToArray(), new float[n], new float[n], "mmmmmmm.m", new int[n], text);

        Assert.Equal((0f, 1f), (Feature(f, 1, "repeats_left"), Feature(f, 1, "repeats_right")));
        Assert.Equal((1f, 0f), (Feature(f, 2, "repeats_left"), Feature(f, 2, "repeats_right")));
        Assert.Equal(0f, Feature(f, 7, "repeats_left"));                       // end-of-text runs repeat by nature
        Assert.Equal([0f, 0f, 0.25f, 0.5f], new[] { 5, 6, 7, 8 }.Select(j => Feature(f, j, "eot_run")));
        Assert.Equal(6f / n, Feature(f, 0, "eot_ahead"), 5);
        Assert.Equal((1f / n, 0f), (Feature(f, 5, "eot_ahead"), Feature(f, 6, "eot_ahead")));
    }

    [Fact]
    public void TextFeatures_EndOfTextAheadIsTheRestOfTheBlock_WhenNoneIsInIt()
    {
        var f = Compute(0, new bool[4], [0.5f, 0.5f, 0.5f, 0.5f], new float[4], new float[4], "mmmm", new int[4]);
        Assert.Equal([1f, 0.75f, 0.5f, 0.25f], Enumerable.Range(0, 4).Select(j => Feature(f, j, "eot_ahead")));
    }

    [Fact]
    public void EarlierFeatureSets_NeedNoText_TheFullSetRefusesToGuess()
    {
        var masked = new[] { true, true };
        var view = () => new StepView(0, [false, true], [0.5f, 0.9f], [0.1f, 0.05f], [1f, 0.2f], masked, [0, 0]);
        var earlier = new float[2 * PositionFeatures.LeftContextCount];
        PositionFeatures.Compute(view(), earlier, PositionFeatures.LeftContextCount);
        Assert.Equal(0.5f, earlier[0]);
        Assert.Throws<ArgumentException>(() => PositionFeatures.Compute(view(), new float[2 * PositionFeatures.Count]));
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
