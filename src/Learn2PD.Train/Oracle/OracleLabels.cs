using System.Diagnostics;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Model;

namespace Learn2PD.Train.Oracle;

/// <summary>What one recorded batch cost: its prompts, and the seconds of its reference and oracle decodes.</summary>
public sealed record RecordedBatch(IReadOnlyList<int> Prompts, double ReferenceSeconds, double OracleSeconds);

/// <summary>
/// Learn2PD's training labels (the authors' <c>generate_training_data.py</c>). For a batch of prompts:
/// first the reference answers, the baseline decode (fixed schedule, one token per step), so the
/// labels describe the model's own answers, not a dataset's; then the oracle run
/// (<see cref="OraclePolicy"/>: commit whatever already equals the reference), recording at every
/// step of every block the block's confidences (all positions, committed ones included; what the
/// model family's filter reads, see <see cref="SamplingConventions"/>) and whether each position is
/// right: its prediction equals the reference (LLaDA), or, for Dream as the authors' Dream script
/// compares the block's tokens, a committed position always is (the oracle commits only reference tokens).
/// </summary>
public sealed class OracleLabels
{
    private readonly BlockDecoder decoder;
    private readonly bool recordReference;
    private readonly OracleStallGuard stallGuard;

    /// <param name="recordReference">Also record the reference decode's own steps (every share of a block committed), not only the oracle's.</param>
    public OracleLabels(BlockDecoder decoder, int genLength, int blockLength, bool recordReference = false)
        : this(decoder, DecodeOptions.Baseline(genLength, blockLength), OracleStallGuard.UnchangedPredictions, recordReference)
    {
    }

    /// <param name="baseline">The reference decode's settings (fixed schedule, no cache, no end-of-text prediction); the oracle runs with the same.</param>
    /// <param name="stallGuard">When the oracle copies the reference into a block it cannot finish.</param>
    public OracleLabels(BlockDecoder decoder, DecodeOptions baseline, OracleStallGuard stallGuard, bool recordReference = false)
    {
        this.decoder = decoder;
        this.recordReference = recordReference;
        this.stallGuard = stallGuard;
        Baseline = baseline;
    }

    /// <summary>The trajectories a recorder with these settings writes.</summary>
    public static IReadOnlyList<string> Trajectories(bool recordReference) =>
        recordReference ? [LabelRecord.OracleTrajectory, LabelRecord.ReferenceTrajectory] : [LabelRecord.OracleTrajectory];

    /// <summary>The reference decode's settings; the oracle runs with the same (it ignores the schedule).</summary>
    public DecodeOptions Baseline { get; }

    /// <summary>The batches with a prompt <paramref name="file"/> has no labels for.</summary>
    public static IReadOnlyList<int[]> Pending(IReadOnlyList<int[]> batches, LabelRecordFile file) =>
        batches.Where(b => !b.All(file.Recorded.ContainsKey)).ToArray();

    /// <summary>
    /// Records every batch with a prompt missing from <paramref name="file"/>, appending after each
    /// batch. A batch is always decoded whole, so every row keeps the padding it was planned with.
    /// </summary>
    /// <param name="onReferenceBlock">Called with the batch's row count each time its reference decode finishes a block (the bulk of the time).</param>
    /// <param name="onBatch">Called after each batch's labels are on disk.</param>
    public void Record(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> batches, LabelRecordFile file,
        Action<int>? onReferenceBlock = null, Action<RecordedBatch>? onBatch = null, CancellationToken cancel = default)
    {
        foreach (var batch in Pending(batches, file))
        {
            cancel.ThrowIfCancellationRequested();
            var labels = RecordBatch(batch.Select(i => prompts[i]).ToArray(), onReferenceBlock, cancel);
            var missing = new List<PromptLabels>();
            for (int r = 0; r < batch.Length; r++)
            {
                if (!file.Recorded.ContainsKey(batch[r])) missing.Add(labels[r] with { Prompt = batch[r] });
            }
            file.Append(missing);
            onBatch?.Invoke(new RecordedBatch(missing.Select(m => m.Prompt).ToArray(),
                missing.Sum(m => m.ReferenceSeconds), missing.Sum(m => m.OracleSeconds)));
        }
    }

    /// <summary>Reference and oracle decodes of one batch; row r's labels carry <c>Prompt = r</c>.</summary>
    public IReadOnlyList<PromptLabels> RecordBatch(IReadOnlyList<int[]> batch, Action<int>? onReferenceBlock = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var referenceSteps = new List<StepTrace>();
        var reference = decoder.Decode(batch, Baseline, new FixedSchedulePolicy(), step =>
        {
            // Every row steps together under the fixed schedule; row 0 committing its last mask ends the block.
            if (step.Row == 0 && step.Committed.Count(c => c) == step.Masked.Count(m => m)) onReferenceBlock?.Invoke(batch.Count);
            if (recordReference) referenceSteps.Add(step);
        }, cancel);
        double referenceSeconds = clock.Elapsed.TotalSeconds;
        var answers = reference.Rows.Select(r => r.AnswerIds).ToArray();
        long endOfText = decoder.Model.Config.EosTokenId;

        clock.Restart();
        var oracle = new OraclePolicy(answers, endOfText, stallGuard);
        bool committedAreCorrect = decoder.Model.Config.Family == ModelFamily.Dream;
        var records = batch.Select(_ => new List<LabelRecord>()).ToArray();
        var result = decoder.Decode(batch, Baseline, oracle, step =>
            records[step.Row].Add(Record(step, oracle, endOfText, LabelRecord.OracleTrajectory, committedAreCorrect)), cancel);
        double oracleSeconds = clock.Elapsed.TotalSeconds;
        foreach (var step in referenceSteps)
        {
            // Past the block after the answer's end every step looks alike (end-of-text everywhere): leave those out.
            int end = Array.IndexOf(answers[step.Row], endOfText);
            if (end >= 0 && step.AnswerOffset > end + Baseline.BlockLength) continue;
            records[step.Row].Add(Record(step, oracle, endOfText, LabelRecord.ReferenceTrajectory, committedAreCorrect));
        }

        var labels = new PromptLabels[batch.Count];
        for (int r = 0; r < batch.Count; r++)
        {
            // The oracle commits only reference tokens, so it must end on the reference itself (or, where the
            // reference Dream sampler leaves a block with masks, on the reference with masks in it).
            if (!Reproduces(result.Rows[r].AnswerIds, answers[r], Baseline.DreamQuirks.StopWhenScheduleSpent ? decoder.Model.Config.MaskTokenId : null))
                throw new InvalidOperationException($"oracle run of batch row {r} did not reproduce its reference answer");
            labels[r] = new PromptLabels(r, answers[r], reference.Rows[r].Nfe, result.Rows[r].Nfe,
                referenceSeconds / batch.Count, oracleSeconds / batch.Count, records[r]);
        }
        return labels;
    }

    private static bool Reproduces(long[] answer, long[] reference, long? mask)
    {
        if (answer.Length != reference.Length) return false;
        for (int i = 0; i < answer.Length; i++)
        {
            if (answer[i] != reference[i] && answer[i] != mask) return false;
        }
        return true;
    }

    /// <summary>A traced step as a label record: correct where the prediction equals the reference answer (and, if so asked, wherever committed).</summary>
    private static LabelRecord Record(StepTrace step, OraclePolicy oracle, long endOfText, string trajectory, bool committedAreCorrect)
    {
        int n = step.Predictions.Length;
        var correct = new bool[n];
        for (int j = 0; j < n; j++)
            correct[j] = (committedAreCorrect && !step.Masked[j]) || step.Predictions[j] == oracle.ReferenceAt(step.Row, step.AnswerOffset + j);
        return new LabelRecord(step.Block, step.Step, step.Confidences.Select(c => (float)c).ToArray(), correct, (bool[])step.Masked.Clone())
        {
            Trajectory = trajectory,
            SecondConfidences = step.SecondConfidences?.Select(c => (float)c).ToArray(),
            Entropies = step.Entropies?.Select(c => (float)c).ToArray(),
            Stable = step.Stable,
            PredictsEndOfText = step.Predictions.Select(p => p == endOfText).ToArray(),
        };
    }
}
