using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;

namespace Learn2PD.Train.FilterTraining;

/// <summary>The suggested τ_f; <see cref="MeetsAgreement"/> is false when no τ_f reached the target (then: the most faithful one).</summary>
public sealed record CalibrationChoice(CalibrationPoint Point, bool MeetsAgreement);

/// <summary>
/// Chooses τ_f by decoding rather than by record metrics: a false positive early in a block changes
/// the context of every later step, which only a real decode shows. Validation prompts are decoded
/// in the batches their reference answers were made in, so the same padding gives the same numerics
/// and a τ_f that never fires reproduces the references exactly.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>
    /// From permissive to strict: a per-position filter trained against false accepts is right more
    /// often than its probability says, so its useful range reaches far below the authors' 0.96. The
    /// list is also the τ_f grid of <c>eval --sweep</c> (the sidecar's sweep_thresholds). Each τ_f costs
    /// one filter decode of every validation prompt (a few forwards with end-of-text prediction).
    /// </summary>
    public static IReadOnlyList<double> DefaultThresholds { get; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];

    /// <param name="references">Reference answer ids by prompt index, for every prompt in <paramref name="batches"/>.</param>
    /// <param name="onBatch">Called after each decoded batch with τ_f and the batch's row count.</param>
    /// <param name="agrees">Whether an answer agrees with its reference; null: the same ids, all gen_length of them.</param>
    /// <param name="method">The l2p family the τ_f is for (its end-of-text prediction and cache apply).</param>
    public static IReadOnlyList<CalibrationPoint> Sweep(BlockDecoder decoder, ICommitFilter filter, DecodingMethod method, DecodeOptions baseline,
        IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> batches, IReadOnlyDictionary<int, long[]> references,
        IReadOnlyList<double> thresholds, Action<double, int>? onBatch = null, CancellationToken cancel = default,
        Func<long[], long[], bool>? agrees = null)
    {
        agrees ??= (answer, reference) => answer.AsSpan().SequenceEqual(reference);
        var options = method.Configure(baseline);
        var points = new List<CalibrationPoint>(thresholds.Count);
        foreach (double threshold in thresholds)
        {
            long nfe = 0, sameTokens = 0, tokens = 0;
            int rows = 0, same = 0;
            foreach (var batch in batches)
            {
                cancel.ThrowIfCancellationRequested();
                var policy = method.At(threshold).CreatePolicy(new PolicyInputs(new LoadedFilter(filter, threshold, "")));
                var result = decoder.Decode(batch.Select(i => prompts[i]).ToArray(), options, policy, cancel: cancel);
                for (int r = 0; r < batch.Length; r++)
                {
                    // An end-of-text cut leaves a shorter answer; its missing tail is end-of-text.
                    long[] answer = Padded(result.Rows[r].AnswerIds, baseline.GenLength, decoder.Model.Config.EosTokenId), reference = references[batch[r]];
                    nfe += result.Rows[r].Nfe;
                    rows++;
                    if (agrees(answer, reference)) same++;
                    int length = Math.Max(answer.Length, reference.Length);
                    tokens += length;
                    for (int j = 0; j < Math.Min(answer.Length, reference.Length); j++) if (answer[j] == reference[j]) sameTokens++;
                }
                onBatch?.Invoke(threshold, batch.Length);
            }
            if (rows == 0) throw new Learn2PdException("calibration needs at least one validation prompt");
            points.Add(new CalibrationPoint(threshold, nfe / (double)rows, same / (double)rows, tokens == 0 ? 1 : sameTokens / (double)tokens));
        }
        return points;
    }

    private static long[] Padded(long[] answer, int length, long endOfText)
    {
        if (answer.Length >= length) return answer;
        var padded = new long[length];
        answer.CopyTo(padded, 0);
        Array.Fill(padded, endOfText, answer.Length, length - answer.Length);
        return padded;
    }

    /// <summary>
    /// The fastest τ_f (lowest mean NFE; on a tie the stricter τ_f) whose agreement is at least
    /// <paramref name="minAgreement"/>; when none is, the most faithful τ_f: highest agreement, then
    /// highest token agreement, then the strictest.
    /// </summary>
    public static CalibrationChoice Choose(IReadOnlyList<CalibrationPoint> points, double minAgreement)
    {
        if (points.Count == 0) throw new ArgumentException("no calibration points", nameof(points));
        const double slack = 1e-12; // 99/100 must count as 0.99
        var meeting = points.Where(p => p.Agreement >= minAgreement - slack).ToArray();
        if (meeting.Length > 0)
            return new CalibrationChoice(meeting.OrderBy(p => p.MeanNfe).ThenByDescending(p => p.Threshold).First(), true);
        return new CalibrationChoice(points.OrderByDescending(p => p.Agreement).ThenByDescending(p => p.TokenAgreement)
            .ThenByDescending(p => p.Threshold).First(), false);
    }
}
