using System.Diagnostics;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
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
/// <para>
/// With <see cref="ReferenceSampling"/>, a prompt has several references: the greedy one and sampled baseline
/// decodes whose answer agrees with it (the same final answer in other words). A step's predictions are then
/// right when they are, together, what one of the references consistent with the step's committed tokens
/// holds: scanning the block left to right, a masked prediction is right if a still-consistent reference has
/// it there, and the references that do not are dropped for the positions to its right. With one reference
/// this is the paper's label; with several, a prediction at a point where equally good wordings part is right
/// whichever wording it starts, while two predictions from different wordings are not both right.
/// </para>
/// </summary>
public sealed class OracleLabels
{
    private readonly BlockDecoder decoder;
    private readonly bool recordReference;
    private readonly OracleStallGuard stallGuard;
    private readonly ReferenceSampling? sampling;

    /// <param name="recordReference">Also record the reference decode's own steps (every share of a block committed), not only the oracle's.</param>
    public OracleLabels(BlockDecoder decoder, int genLength, int blockLength, bool recordReference = false)
        : this(decoder, DecodeOptions.Baseline(genLength, blockLength), OracleStallGuard.UnchangedPredictions, recordReference)
    {
    }

    /// <param name="baseline">The reference decode's settings (fixed schedule, no cache, no end-of-text prediction); the oracle runs with the same.</param>
    /// <param name="stallGuard">When the oracle copies the reference into a block it cannot finish.</param>
    /// <param name="sampling">Further references sampled from the model (null: the greedy reference only, the paper's labels).</param>
    public OracleLabels(BlockDecoder decoder, DecodeOptions baseline, OracleStallGuard stallGuard, bool recordReference = false,
        ReferenceSampling? sampling = null)
    {
        this.decoder = decoder;
        this.recordReference = recordReference;
        this.stallGuard = stallGuard;
        this.sampling = sampling;
        Baseline = baseline;
    }

    /// <summary>The trajectories a recorder with these settings writes.</summary>
    public static IReadOnlyList<string> Trajectories(bool recordReference, bool sampled = false) =>
        (recordReference, sampled) switch
        {
            (true, true) => [LabelRecord.OracleTrajectory, LabelRecord.ReferenceTrajectory, LabelRecord.SampledTrajectory],
            (true, false) => [LabelRecord.OracleTrajectory, LabelRecord.ReferenceTrajectory],
            _ => [LabelRecord.OracleTrajectory],
        };

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
        Action<int>? onReferenceBlock = null, Action<RecordedBatch>? onBatch = null, CancellationToken cancel = default) =>
        RecordPending(batches, file, batch => RecordBatch(batch.Select(i => prompts[i]).ToArray(), onReferenceBlock, cancel), onBatch, cancel);

    /// <summary>
    /// <see cref="Record"/> for a later round: every batch with a prompt missing from <paramref name="file"/> is decoded
    /// with <paramref name="rollout"/>'s filter, against the references <paramref name="labelled"/> (by prompt) holds.
    /// </summary>
    public void RecordRollouts(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> batches, LabelRecordFile file, IReadOnlyList<PromptLabels> labelled,
        FilterRollout rollout, Action<RecordedBatch>? onBatch = null, CancellationToken cancel = default) =>
        RecordPending(batches, file, batch => RolloutBatch(batch.Select(i => prompts[i]).ToArray(), batch.Select(i => labelled[i]).ToArray(), rollout, cancel), onBatch, cancel);

    private static void RecordPending(IReadOnlyList<int[]> batches, LabelRecordFile file, Func<int[], IReadOnlyList<PromptLabels>> recordBatch,
        Action<RecordedBatch>? onBatch, CancellationToken cancel)
    {
        foreach (var batch in Pending(batches, file))
        {
            cancel.ThrowIfCancellationRequested();
            var labels = recordBatch(batch);
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
        var answers = reference.Rows.Select(r => r.AnswerIds).ToArray();
        long endOfText = decoder.Model.Config.EosTokenId;
        var references = answers.Select(a => new List<long[]> { a }).ToArray();
        var sampledSteps = new List<(long[] Answer, StepTrace Step)>();
        for (int k = 1; k < (sampling?.Count ?? 1); k++)
        {
            var steps = new List<StepTrace>();
            var sampled = decoder.Decode(batch, Baseline with { Temperature = sampling!.Temperature, Seed = (ulong)k },
                new FixedSchedulePolicy(), recordReference ? steps.Add : null, cancel);
            for (int r = 0; r < batch.Count; r++)
            {
                long[] answer = sampled.Rows[r].AnswerIds;
                if (!sampling.Agrees(answer, answers[r]) || references[r].Any(a => a.AsSpan().SequenceEqual(answer))) continue;
                references[r].Add(answer);
                sampledSteps.AddRange(steps.Where(s => s.Row == r).Select(s => (answer, s)));
            }
        }
        double referenceSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var oracle = new OraclePolicy(answers, endOfText, stallGuard);
        var labeller = Labeller(references);
        var result = decoder.Decode(batch, Baseline, oracle, step => labeller.Add(step, LabelRecord.OracleTrajectory, answers[step.Row]), cancel);
        double oracleSeconds = clock.Elapsed.TotalSeconds;
        foreach (var step in referenceSteps) labeller.Add(step, LabelRecord.ReferenceTrajectory, answers[step.Row]);
        foreach (var (answer, step) in sampledSteps) labeller.Add(step, LabelRecord.SampledTrajectory, answer);

        var labels = new PromptLabels[batch.Count];
        for (int r = 0; r < batch.Count; r++)
        {
            // The oracle commits only reference tokens, so it must end on the reference itself (or, where the
            // reference Dream sampler leaves a block with masks, on the reference with masks in it).
            if (!Reproduces(result.Rows[r].AnswerIds, answers[r], Baseline.DreamQuirks.StopWhenScheduleSpent ? decoder.Model.Config.MaskTokenId : null))
                throw new InvalidOperationException($"oracle run of batch row {r} did not reproduce its reference answer");
            labels[r] = new PromptLabels(r, answers[r], reference.Rows[r].Nfe, result.Rows[r].Nfe,
                referenceSeconds / batch.Count, oracleSeconds / batch.Count, labeller.Records[r]) { Alternatives = references[r].Skip(1).ToArray() };
        }
        return labels;
    }

    /// <summary>
    /// One batch of a later round: decodes with the rollout's filter at each τ_f, labelled against the prompts'
    /// references and the rollout answers that agree with the greedy one; row r's labels carry <c>Prompt = r</c>,
    /// its rollout steps as records and the decodes' seconds as <see cref="PromptLabels.ReferenceSeconds"/>.
    /// </summary>
    public IReadOnlyList<PromptLabels> RolloutBatch(IReadOnlyList<int[]> batch, IReadOnlyList<PromptLabels> labelled, FilterRollout rollout, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var references = labelled.Select(p => new List<long[]> { p.Reference }.Concat(p.Alternatives).ToList()).ToArray();
        var steps = new List<(long[] Answer, StepTrace Step)>();
        foreach (double threshold in rollout.Thresholds)
        {
            var traced = new List<StepTrace>();
            var policy = rollout.Method.At(threshold).CreatePolicy(new PolicyInputs(new LoadedFilter(rollout.Filter, threshold, "")));
            var decoded = decoder.Decode(batch, rollout.Method.Configure(Baseline), policy, traced.Add, cancel);
            for (int r = 0; r < batch.Count; r++)
            {
                long[] answer = decoded.Rows[r].AnswerIds;
                if (rollout.Agrees(answer, labelled[r].Reference) && !references[r].Any(a => a.AsSpan().SequenceEqual(answer))) references[r].Add(answer);
                steps.AddRange(traced.Where(s => s.Row == r).Select(s => (answer, s)));
            }
        }
        var labeller = Labeller(references);
        foreach (var (answer, step) in steps) labeller.Add(step, LabelRecord.RolloutTrajectory, answer);
        double seconds = clock.Elapsed.TotalSeconds / batch.Count;
        return labelled.Select((p, r) => new PromptLabels(r, p.Reference, p.BaselineNfe, p.OracleNfe, seconds, 0, labeller.Records[r])).ToArray();
    }

    /// <summary>Labels a batch's steps against <paramref name="references"/> (by row), with this model's end-of-text and its family's rule for committed positions (see the class summary).</summary>
    private TrajectoryLabeller Labeller(IReadOnlyList<List<long[]>> references) =>
        new(references, decoder.Model.Config.EosTokenId, Baseline, committedAreCorrect: decoder.Model.Config.Family == ModelFamily.Dream);

    private static bool Reproduces(long[] answer, long[] reference, long? mask)
    {
        if (answer.Length != reference.Length) return false;
        for (int i = 0; i < answer.Length; i++)
        {
            if (answer[i] != reference[i] && answer[i] != mask) return false;
        }
        return true;
    }

    /// <summary>
    /// A traced step as a label record. <paramref name="canvas"/> holds the decode's committed answer tokens before
    /// the step (-1 where masked); the references that agree with all of them are the ones the step can still
    /// reach, and its predictions are labelled against them left to right (see the class summary).
    /// </summary>
    internal static LabelRecord? Record(StepTrace step, long[] canvas, IReadOnlyList<long[]> references, long endOfText, string trajectory, bool committedAreCorrect)
    {
        long At(long[] answer, int position) => position < answer.Length ? answer[position] : endOfText;
        var reachable = references.Where(r => canvas.Select((token, i) => token < 0 || At(r, i) == token).All(ok => ok)).ToList();
        if (reachable.Count == 0) return null;
        int n = step.Predictions.Length;
        var correct = new bool[n];
        for (int j = 0; j < n; j++)
        {
            int position = step.AnswerOffset + j;
            long prediction = step.Predictions[j];
            if (!step.Masked[j])
            {
                correct[j] = committedAreCorrect || reachable.Any(r => At(r, position) == prediction);
                continue;
            }
            var agreeing = reachable.Where(r => At(r, position) == prediction).ToList();
            correct[j] = agreeing.Count > 0;
            if (correct[j]) reachable = agreeing;
        }
        return new LabelRecord(step.Block, step.Step, step.Confidences.Select(c => (float)c).ToArray(), correct, (bool[])step.Masked.Clone())
        {
            Trajectory = trajectory,
            SecondConfidences = step.SecondConfidences?.Select(c => (float)c).ToArray(),
            Entropies = step.Entropies?.Select(c => (float)c).ToArray(),
            Stable = step.Stable,
            PredictsEndOfText = step.Predictions.Select(p => p == endOfText).ToArray(),
            Text = PositionFeatures.BlockText(step.Predictions, step.Masked, canvas.AsSpan(step.AnswerOffset, n)),
        };
    }
}

/// <summary>
/// Further references for <see cref="OracleLabels"/>: <see cref="Count"/> − 1 baseline decodes that sample with
/// <see cref="Temperature"/> (seeds 1, 2, …), kept where <see cref="Agrees"/> says their answer agrees with the
/// greedy reference's.
/// </summary>
public sealed record ReferenceSampling(int Count, double Temperature, Func<long[], long[], bool> Agrees);

/// <summary>
/// Turns the traced steps of a batch's decodes into label records (<see cref="OracleLabels.Record(StepTrace, long[], IReadOnlyList{long[]}, long, string, bool)"/>),
/// rebuilding each decode's committed answer from its steps, which arrive in order.
/// </summary>
internal sealed class TrajectoryLabeller(IReadOnlyList<List<long[]>> references, long endOfText, DecodeOptions baseline, bool committedAreCorrect)
{
    private readonly Dictionary<(string, int, long[]), long[]> canvases = [];

    /// <summary>The records of each row, in the order their steps were added.</summary>
    public List<LabelRecord>[] Records { get; } = references.Select(_ => new List<LabelRecord>()).ToArray();

    /// <param name="own">The answer the step's decode ended with (one canvas per decode).</param>
    public void Add(StepTrace step, string trajectory, long[] own)
    {
        var key = (trajectory, step.Row, own);
        if (!canvases.TryGetValue(key, out var canvas)) canvases[key] = canvas = Enumerable.Repeat(-1L, baseline.GenLength).ToArray();
        var record = OracleLabels.Record(step, canvas, references[step.Row], endOfText, trajectory, committedAreCorrect);
        for (int j = 0; j < step.Predictions.Length; j++)
            if (step.Committed[j]) canvas[step.AnswerOffset + j] = step.CommittedTokens[j];
        // Past the block after the answer's end every step looks alike (end-of-text everywhere): leave those out.
        int end = Array.IndexOf(own, endOfText);
        bool pastEnd = trajectory != LabelRecord.OracleTrajectory && end >= 0 && step.AnswerOffset > end + baseline.BlockLength;
        if (record is not null && !pastEnd) Records[step.Row].Add(record);
    }
}

/// <summary>
/// A later round's decodes for <see cref="OracleLabels.RolloutBatch"/>: every prompt decoded with the previous round's
/// <see cref="Filter"/> at each of <see cref="Thresholds"/> (method <see cref="Method"/>). Their steps are the states a
/// filter decode reaches, where a wrong commit shows, which the baseline's one-token steps never visit; their answers
/// that <see cref="Agrees"/> says agree with the greedy reference join the references (more right wordings). The filter
/// is borrowed, not disposed.
/// </summary>
public sealed record FilterRollout(ICommitFilter Filter, DecodingMethod Method, IReadOnlyList<double> Thresholds, Func<long[], long[], bool> Agrees);
