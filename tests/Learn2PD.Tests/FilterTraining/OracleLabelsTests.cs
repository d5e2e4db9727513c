using Learn2PD.Core.Decoding;
using Learn2PD.Tests.Checkpoints;
using Learn2PD.Tests.Support;
using Learn2PD.Train.Oracle;

namespace Learn2PD.Tests.FilterTraining;

/// <summary>
/// Oracle label recording on the golden tiny LLaDA (prompt ids, no tokenizer): the reference is the
/// baseline's own answer, every step of every block is recorded with all its positions, and a run
/// cut short resumes where it stopped.
/// </summary>
public sealed class OracleLabelsTests
{
    private const int GenLength = 64, BlockLength = 32;

    [SkippableFact]
    public void RecordBatch_ReferenceIsTheBaselineAnswer_AndEveryOracleStepIsRecorded()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var decoder = new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel());
        var recorder = new OracleLabels(decoder, GenLength, BlockLength);

        var labels = recorder.RecordBatch(prompts);

        var baseline = decoder.Decode(prompts, recorder.Baseline, new FixedSchedulePolicy());
        for (int r = 0; r < prompts.Count; r++)
        {
            var p = labels[r];
            Assert.Equal(baseline.Rows[r].AnswerIds, p.Reference);
            Assert.Equal(GenLength, p.BaselineNfe);
            // One record per oracle forward, blocks in order, steps counted from 0 within each block.
            Assert.Equal(p.OracleNfe, p.Records.Count);
            Assert.True(p.OracleNfe < p.BaselineNfe);
            Assert.Equal([0, 1], p.Records.Select(x => x.Block).Distinct());
            foreach (var block in p.Records.GroupBy(x => x.Block))
            {
                Assert.Equal(Enumerable.Range(0, block.Count()), block.Select(x => x.Step));
                Assert.All(block.First().Masked, Assert.True);
            }
            Assert.All(p.Records, x =>
            {
                Assert.Equal(BlockLength, x.Confidences.Length);
                Assert.All(x.Confidences, c => Assert.InRange(c, 0f, 1f));
            });
        }
    }

    [SkippableFact]
    public void RecordBatch_OracleCommitsExactlyTheMaskedPositionsLabelledCorrect_UnlessStalled()
    {
        var recorder = new OracleLabels(new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel()), GenLength, BlockLength);

        foreach (var p in recorder.RecordBatch(FilterTrainingFixtures.GoldenPrompts()))
        {
            foreach (var block in p.Records.GroupBy(x => x.Block))
            {
                var steps = block.ToArray();
                for (int t = 0; t + 1 < steps.Length; t++)
                {
                    var committed = Enumerable.Range(0, BlockLength).Where(j => steps[t].Masked[j] && !steps[t + 1].Masked[j]).ToArray();
                    var correctMasked = Enumerable.Range(0, BlockLength).Where(j => steps[t].Masked[j] && steps[t].Correct[j]).ToArray();
                    bool stalled = committed.Length == steps[t].Masked.Count(m => m) && !committed.SequenceEqual(correctMasked);
                    if (!stalled) Assert.Equal(correctMasked, committed);
                    // The text a record shows is the canvas: a committed position keeps the prediction it was committed with.
                    Assert.All(committed, j => Assert.Equal(steps[t].Text![j], steps[t + 1].Text![j]));
                }
            }
        }
    }

    [SkippableFact]
    public void Record_AfterAKillMidWrite_ResumesAndEndsWithTheSameLabelsAsAnUninterruptedRun()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var decoder = new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel());
        var recorder = new OracleLabels(decoder, GenLength, BlockLength);
        var batches = PromptBatches.Plan(prompts, [0, 1, 2], batchSize: 1);
        var header = FilterTrainingFixtures.Header(prompts.Count);
        using var temp = new TempDirectory();
        string complete = temp.File("complete.labels.jsonl"), killed = temp.File("killed.labels.jsonl");
        using (var file = LabelRecordFile.Open(complete, header)) recorder.Record(prompts, batches, file);

        // A run killed while writing its second prompt: the header, one line, and part of the next.
        var lines = File.ReadAllText(complete).Split('\n');
        File.WriteAllText(killed, lines[0] + "\n" + lines[1] + "\n" + lines[2][..(lines[2].Length / 2)]);
        var decoded = new List<int>();
        using (var file = LabelRecordFile.Open(killed, header))
        {
            Assert.True(file.DroppedBytes > 0);
            Assert.Single(file.Recorded);
            recorder.Record(prompts, batches, file, onBatch: b => decoded.AddRange(b.Prompts));
        }

        Assert.Equal(2, decoded.Count);
        var expected = LabelRecordFile.Read(complete).Prompts.OrderBy(p => p.Prompt).ToArray();
        var resumed = LabelRecordFile.Read(killed).Prompts.OrderBy(p => p.Prompt).ToArray();
        Assert.Equal(expected.Select(p => p.Prompt), resumed.Select(p => p.Prompt));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Reference, resumed[i].Reference);
            Assert.Equal(expected[i].OracleNfe, resumed[i].OracleNfe);
            Assert.Equal(expected[i].Records.Select(r => r.Confidences), resumed[i].Records.Select(r => r.Confidences));
            Assert.Equal(expected[i].Records.Select(r => r.Correct), resumed[i].Records.Select(r => r.Correct));
        }
    }

    [SkippableFact]
    public void Record_WithEveryPromptOnDisk_DecodesNothing()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var recorder = new OracleLabels(new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel()), GenLength, BlockLength);
        var batches = PromptBatches.Plan(prompts, [0, 1, 2], batchSize: 2);
        var header = FilterTrainingFixtures.Header(prompts.Count);
        using var temp = new TempDirectory();
        string path = temp.File("labels.jsonl");
        using (var file = LabelRecordFile.Open(path, header)) recorder.Record(prompts, batches, file);

        int decodedBatches = 0;
        using (var file = LabelRecordFile.Open(path, header))
        {
            recorder.Record(prompts, batches, file, onBatch: _ => decodedBatches++);
            Assert.Equal(3, file.Recorded.Count);
        }
        Assert.Equal(0, decodedBatches);
    }

    [SkippableFact]
    public void RolloutBatch_LabelsTheFilterDecodesStates_AgainstTheReferencesItsAnswerJoins()
    {
        var prompts = FilterTrainingFixtures.GoldenPrompts();
        var decoder = new BlockDecoder(FilterTrainingFixtures.GoldenTinyModel());
        var baseline = DecodeOptions.Baseline(GenLength, BlockLength);
        using var acceptAll = new AcceptAllFilter();
        var l2p = DecodingMethods.Parse("l2p");
        // A filter that accepts every prediction commits each block in one step: the rollout's answer is its first predictions.
        var rolloutAnswers = decoder.Decode(prompts, l2p.Configure(baseline),
            l2p.At(0.5).CreatePolicy(new PolicyInputs(new Learn2PD.Core.Filter.LoadedFilter(acceptAll, 0.5, "")))).Rows.Select(r => r.AnswerIds).ToArray();

        var recorder = new OracleLabels(decoder, baseline, OracleStallGuard.UnchangedPredictions);
        var first = recorder.RecordBatch(prompts);
        PromptLabels[] Labels(bool agrees) => recorder.RolloutBatch(prompts, first, new FilterRollout(acceptAll, l2p, [0.5], (_, _) => agrees)).ToArray();

        var joined = Labels(agrees: true);
        var apart = Labels(agrees: false);
        for (int r = 0; r < prompts.Count; r++)
        {
            // Its answer joined the references: every prediction of both one-step blocks is right.
            Assert.Equal(first[r].Reference, joined[r].Reference);
            Assert.All(joined[r].Records, x => Assert.Equal(LabelRecord.RolloutTrajectory, x.Trajectory));
            var rollout = joined[r].Records;
            Assert.Equal([0, 1], rollout.Select(x => x.Block));
            Assert.All(rollout, x => Assert.All(x.Correct, Assert.True));

            // Against the greedy reference alone, a prediction is right where it equals the reference, and the
            // second block is recorded only when the first one's commits left the reference reachable.
            var against = apart[r].Records;
            var reference = apart[r].Reference;
            Assert.Equal(Enumerable.Range(0, BlockLength).Select(j => rolloutAnswers[r][j] == reference[j]), against[0].Correct);
            bool reachable = rolloutAnswers[r].AsSpan(0, BlockLength).SequenceEqual(reference.AsSpan(0, BlockLength));
            Assert.Equal(reachable ? 2 : 1, against.Count);
        }
        Assert.Contains(apart, p => p.Records.Any(x => x.Correct.Contains(false)));
    }

    /// <summary>A filter whose every logit is large: l2p commits every masked position at once.</summary>
    private sealed class AcceptAllFilter : Learn2PD.Core.Filter.ICommitFilter
    {
        public string Kind => "position";
        public int? BlockLength => null;
        public bool ReadsDistribution => false;
        public float[] Logits(BlockStep step) => Enumerable.Repeat(10f, step.Length).ToArray();
        public void Dispose() { }
    }
}
