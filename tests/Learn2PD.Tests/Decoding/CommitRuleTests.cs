using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using TorchSharp;
using static TorchSharp.torch;

namespace Learn2PD.Tests.Decoding;

/// <summary>
/// The commit rules on hand-built block steps, no model: what each policy commits, the transfer schedule,
/// top-k with ties, and where end-of-text prediction cuts. These hold without ../shared.
/// </summary>
public sealed class CommitRuleTests
{
    /// <summary>A step over a block of confidences; 'm' marks masked positions, '.' committed ones.</summary>
    private static BlockStep Step(double[] confidences, string masked, int scheduled = 0, long[]? predictions = null, int row = 0, int blockStart = 100, int answerOffset = 0)
    {
        var step = new BlockStep(32)
        {
            Row = row,
            BlockStart = blockStart,
            AnswerOffset = answerOffset,
            Length = confidences.Length,
            ScheduledCount = scheduled,
        };
        for (int j = 0; j < confidences.Length; j++)
        {
            step.Confidences[j] = confidences[j];
            step.Masked[j] = masked[j] == 'm';
            step.Predictions[j] = predictions?[j] ?? 10 + j;
        }
        step.ResetOutputs();
        return step;
    }

    private static string Commits(BlockStep step) => new(Enumerable.Range(0, step.Length).Select(j => step.Commit[j] ? 'c' : '-').ToArray());

    [Theory]
    [InlineData(new[] { 0.1, 0.9, 0.5, 0.7 }, "mmmm", 1, "-c--")]
    [InlineData(new[] { 0.1, 0.9, 0.5, 0.7 }, "mmmm", 2, "-c-c")]
    [InlineData(new[] { 0.1, 0.9, 0.5, 0.7 }, "m.mm", 2, "--cc")]    // committed positions are never chosen
    [InlineData(new[] { 0.5, 0.5, 0.5, 0.5 }, "mmmm", 2, "cc--")]    // ties: lower position first
    [InlineData(new[] { 0.2, 0.9, 0.3, 0.1 }, "m.m.", 5, "c-c-")]    // k beyond the masked count: only the masked
    [InlineData(new[] { 0.2, 0.9, 0.3, 0.1 }, "mmmm", 0, "----")]    // schedule exhausted
    public void Fixed_CommitsTheScheduledTopK(double[] confidences, string masked, int k, string expected)
    {
        var step = Step(confidences, masked, scheduled: k);
        new FixedSchedulePolicy().Select(step);
        Assert.Equal(expected, Commits(step));
    }

    [Theory]
    [InlineData(new[] { 0.95, 0.9, 0.5, 0.2 }, "mmmm", 0.9, "cc--")]   // equality is accepted
    [InlineData(new[] { 0.3, 0.8, 0.5, 0.2 }, "mmmm", 0.9, "-c--")]    // none above: the most confident anyway
    [InlineData(new[] { 0.99, 0.3, 0.5, 0.2 }, ".mmm", 0.9, "--c-")]   // a committed position never counts
    [InlineData(new[] { 0.6, 0.7, 0.8, 0.2 }, "mmmm", 0.5, "ccc-")]
    public void Threshold_CommitsEveryConfidenceAtOrAboveTau_AndAtLeastTheTopOne(double[] confidences, string masked, double tau, string expected)
    {
        var step = Step(confidences, masked);
        new ThresholdPolicy(tau).Select(step);
        Assert.Equal(expected, Commits(step));
        // Accepted marks the threshold's own choices, not the top-1 fallback (EoTP reads it).
        Assert.Equal(confidences.Select((c, j) => masked[j] == 'm' && c >= tau), step.Accepted[..confidences.Length]);
    }

    /// <summary>A filter whose logit is 20·c − 10 at every position: sigmoid &gt; 0.5 exactly where c &gt; 0.5.</summary>
    private static Learn2PdFilter HalfFilter()
    {
        var filter = new Learn2PdFilter(32);
        using var noGrad = no_grad();
        filter.linear1.weight!.copy_(eye(32));
        filter.linear1.bias!.zero_();
        filter.linear2.weight!.copy_(eye(32) * 20);
        filter.linear2.bias!.fill_(-10);
        return filter;
    }

    [Theory]
    [InlineData(new[] { 0.9, 0.6, 0.4, 0.1 }, "mmmm", 0, "cc--")]      // the filter's own accepts
    [InlineData(new[] { 0.9, 0.6, 0.4, 0.1 }, "mmmm", 3, "ccc-")]      // OR-ed with the schedule's top-k
    [InlineData(new[] { 0.9, 0.6, 0.4, 0.1 }, ".mmm", 0, "-c--")]      // reads committed positions, commits only masked ones
    [InlineData(new[] { 0.2, 0.3, 0.4, 0.1 }, "mmmm", 1, "--c-")]      // nothing accepted: the schedule alone
    public void Filter_AcceptsAboveTauF_OredWithTheSchedule(double[] confidences, string masked, int k, string expected)
    {
        var step = Step(confidences, masked, scheduled: k);
        new FilterPolicy(HalfFilter(), 0.5).Select(step);
        Assert.Equal(expected, Commits(step));
    }

    /// <summary>Marks every masked position accepted, as a filter that accepts everything would, then applies the guards.</summary>
    private static string Guarded(long[] predictions, double[] confidences, string masked)
    {
        var step = Step(confidences, masked, predictions: predictions);
        for (int j = 0; j < step.Length; j++) step.Commit[j] = step.Accepted[j] = step.Masked[j];
        CommitGuards.Apply(step);
        Assert.Equal(step.Commit[..step.Length], step.Accepted[..step.Length]);
        return Commits(step);
    }

    [Theory]
    [InlineData(new long[] { 7, 7, 8, 9 }, new[] { 0.6, 0.8, 0.9, 0.9 }, "mmmm", "-ccc")] // a repeated word: the less confident waits
    [InlineData(new long[] { 7, 7, 8, 9 }, new[] { 0.8, 0.6, 0.9, 0.9 }, "mmmm", "c-cc")]
    [InlineData(new long[] { 7, 7, 7, 9 }, new[] { 0.5, 0.9, 0.5, 0.9 }, "mmmm", "-c-c")] // each pair on its own
    [InlineData(new long[] { 7, 7, 8, 9 }, new[] { 0.6, 0.8, 0.9, 0.9 }, ".mmm", "-ccc")] // only words accepted together
    [InlineData(new long[] { 8, 0, 0, 0 }, new[] { 0.9, 0.9, 0.9, 0.9 }, "mmmm", "c-cc")] // end-of-text waits on an open word to its left
    [InlineData(new long[] { 8, 0, 0, 0 }, new[] { 0.9, 0.9, 0.9, 0.9 }, ".mmm", "-ccc")] // after committed text it goes
    [InlineData(new long[] { 0, 0, 0, 0 }, new[] { 0.9, 0.9, 0.9, 0.9 }, "mmmm", "cccc")] // a run of them is no repeat, and the block's first follows the last block
    public void Guards_HoldBackRepeatedWordsAndAnEndBeforeItsText(long[] predictions, double[] confidences, string masked, string expected) =>
        Assert.Equal(expected, Guarded(predictions, confidences, masked));

    [Fact]
    public void Guards_ApplyToThePositionFilter_NotToTheAuthors()
    {
        long[] predictions = [7, 7, 8, 0];
        double[] confidences = [0.9, 0.95, 0.9, 0.9];
        var authors = Step(confidences, "mmmm", predictions: predictions);
        new FilterPolicy(HalfFilter(), 0.5).Select(authors);
        Assert.Equal("cccc", Commits(authors));

        using var everything = new PositionFilter();
        using (no_grad())
        {
            foreach (var p in everything.parameters()) p.zero_();
            everything.@out.bias!.fill_(10);
        }
        var position = Step(confidences, "mmmm", predictions: predictions);
        new FilterPolicy(everything, 0.5).Select(position);
        Assert.Equal("-cc-", Commits(position));
    }

    [Fact]
    public void Filter_AShortBlockIsZeroPadded_AndSlicedBack()
    {
        var filter = HalfFilter();
        var logits = filter.Logits([0.9f, 0.2f, 0.7f]);

        Assert.Equal(3, logits.Length);
        Assert.Equal(new[] { 8f, -6f, 4f }, logits.Select(l => MathF.Round(l, 4)));
    }

    [Fact]
    public void Oracle_CommitsWhatEqualsTheReference_AndCopiesItWhenTheBlockStalls()
    {
        long[] reference = [5, 6, 7, 8];
        var oracle = new OraclePolicy([reference], endOfText: 0);

        var first = Step([0.1, 0.2, 0.3, 0.4], "mmmm", predictions: [5, 9, 7, 9]);
        oracle.Select(first);
        Assert.Equal("c-c-", Commits(first));

        // The same predictions again: the stall guard writes the reference into every masked position.
        var stalled = Step([0.1, 0.2, 0.3, 0.4], ".m.m", predictions: [5, 9, 7, 9]);
        oracle.Select(stalled);
        Assert.Equal("-c-c", Commits(stalled));
        Assert.Equal((6L, 8L), (stalled.CommitTokens[1], stalled.CommitTokens[3]));
    }

    [Fact]
    public void Oracle_PastAShortReference_ExpectsEndOfText()
    {
        var oracle = new OraclePolicy([[5L, 6L]], endOfText: 0);
        var step = Step([0.5, 0.5, 0.5, 0.5], "mmmm", predictions: [5, 6, 0, 3]);
        oracle.Select(step);
        Assert.Equal("ccc-", Commits(step));
    }

    [Theory]
    [InlineData(32, 32, new[] { 1 }, 32)]
    [InlineData(32, 8, new[] { 4, 4, 4, 4, 4, 4, 4, 4 }, 8)]
    [InlineData(10, 4, new[] { 3, 3, 2, 2 }, 4)]      // the remainder goes to the first steps
    [InlineData(3, 8, new[] { 1, 1, 1, 0, 0, 0, 0, 0 }, 8)]
    public void TransferSchedule_SplitsMasksEvenly_FirstStepsTakeTheRemainder(int masked, int steps, int[] expectedPrefix, int length)
    {
        var schedule = TransferSchedule.Compute(masked, steps);
        Assert.Equal(length, schedule.Length);
        Assert.Equal(masked, schedule.Sum());
        Assert.Equal(expectedPrefix, schedule[..expectedPrefix.Length]);
    }

    private const long Eot = 0, Mask = 99;

    [Theory]
    // An accepted end-of-text ends the sequence right after the first one.
    [InlineData(new long[] { 5, 0, 0, 7 }, "mmmm", "-cc-", true, 102)]
    // Otherwise the most confident masked end-of-text prediction in the window.
    [InlineData(new long[] { 5, 0, 6, 0 }, "mmmm", "----", true, 104)]
    // No end-of-text predicted: no cut.
    [InlineData(new long[] { 5, 6, 7, 8 }, "mmmm", "----", true, null)]
    // A committed position's prediction does not count.
    [InlineData(new long[] { 5, 0, 6, 7 }, "m.mm", "----", true, null)]
    public void EndOfTextPredictor_CutsWhereTheRulesSay(long[] predictions, string masked, string accepted, bool wholeWindow, int? expectedLength)
    {
        var step = Step([0.5, 0.6, 0.7, 0.9], masked, predictions: predictions);
        for (int j = 0; j < 4; j++) step.Accepted[j] = accepted[j] == 'c';
        long[] tokens = masked.Select(c => c == 'm' ? Mask : 5L).Concat([Mask, Mask]).ToArray();
        var eotp = new EndOfTextPredictor(Eot, Mask, wholeWindow);

        Assert.Equal(expectedLength, eotp.FindCut(step, tokens, predictions, [0.5, 0.6, 0.7, 0.9]));
    }

    [Fact]
    public void EndOfTextPredictor_WithoutACache_SearchesPastTheBlock_WithACacheOnlyTheBlock()
    {
        var step = Step([0.5, 0.5], "mm", predictions: [5, 6]);
        long[] tokens = [Mask, Mask, Mask, Mask, Mask, Mask];
        long[] window = [5, 6, 7, 0, 8, 9];
        double[] confidences = [0.5, 0.5, 0.5, 0.8, 0.5, 0.5];

        Assert.Equal(104, new EndOfTextPredictor(Eot, Mask, searchesWholeSequence: true).FindCut(step, tokens, window, confidences));
        Assert.Null(new EndOfTextPredictor(Eot, Mask, searchesWholeSequence: false).FindCut(step, tokens, window, confidences));
        Assert.Equal(34, new EndOfTextPredictor(Eot, Mask, true).WindowEnd(blockStart: 0, blockLength: 32, sequenceLength: 34));
        Assert.Equal(32, new EndOfTextPredictor(Eot, Mask, false).WindowEnd(blockStart: 0, blockLength: 32, sequenceLength: 34));
    }

    [Fact]
    public void EndOfTextPredictor_ACutAtTheEnd_IsNoCut()
    {
        var step = Step([0.5, 0.9], "mm", predictions: [5, 0]);
        Assert.Null(new EndOfTextPredictor(Eot, Mask, true).FindCut(step, [Mask, Mask], [5, 0], [0.5, 0.9]));
    }

    [Theory]
    // The paper's rule cuts at the most confident masked end-of-text prediction, however unsure it is.
    [InlineData(null, 103)]
    // The confident rule takes the most confident one that is sure enough...
    [InlineData(0.6, 103)]
    // ...and cuts nowhere when no end-of-text prediction reaches its confidence.
    [InlineData(0.8, null)]
    public void EndOfTextPredictor_ConfidentRule_IgnoresUnsureEndOfTextPredictions(double? minConfidence, int? expectedLength)
    {
        long[] predictions = [5, 0, 0, 7];
        double[] confidences = [0.9, 0.3, 0.7, 0.9];
        var step = Step(confidences, "mmmm", predictions: predictions);

        var eotp = new EndOfTextPredictor(Eot, Mask, searchesWholeSequence: true, minConfidence);

        Assert.Equal(expectedLength, eotp.FindCut(step, [Mask, Mask, Mask, Mask, Mask], predictions, confidences));
    }

    [Fact]
    public void EndOfTextPredictor_ConfidentRule_StillCutsAtAnAcceptedEndOfText()
    {
        var step = Step([0.5, 0.4], "mm", predictions: [0, 5]);
        step.Accepted[0] = true;
        Assert.Equal(101, new EndOfTextPredictor(Eot, Mask, true, minConfidence: 0.9).FindCut(step, [Mask, Mask, Mask], [0, 5, 6], [0.5, 0.4, 0.3]));
    }
}
