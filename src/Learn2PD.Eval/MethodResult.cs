using Learn2PD.Core.Decoding;

namespace Learn2PD.Eval;

/// <summary>
/// One row of the benchmark: a method at one generation length over its n samples. Accuracy and
/// agreement are percentages. Ratios (tokens/s, TPF) are totals over totals, not means of ratios.
/// Speed-ups and agreement compare with the baseline on the samples both ran; null without a baseline.
/// </summary>
public sealed record MethodResult
{
    public required string Method { get; init; }
    public required int GenLength { get; init; }
    public required int N { get; init; }
    /// <summary>Percent correct by the chosen metric (strict-match for GSM8K by default).</summary>
    public required double Accuracy { get; init; }
    public required double AccuracyStrict { get; init; }
    public required double AccuracyFlexible { get; init; }
    public required double MeanNfe { get; init; }
    public required double MeanLatencyMs { get; init; }
    /// <summary>Non-end-of-text answer tokens / decode wall time.</summary>
    public required double TokensPerSecond { get; init; }
    /// <summary>Committed answer tokens (end-of-text included, cut-off tail excluded) / NFE.</summary>
    public required double Tpf { get; init; }
    public required double MeanGeneratedTokens { get; init; }
    public required double MeanTextTokens { get; init; }
    /// <summary>Baseline NFE / this method's NFE.</summary>
    public double? SpeedupNfe { get; init; }
    /// <summary>Baseline wall time / this method's wall time.</summary>
    public double? SpeedupTime { get; init; }
    /// <summary>Wall-time speed-up as a share of the NFE speed-up (1 = the decoder adds no overhead of its own).</summary>
    public double? TimeToNfeRatio => SpeedupNfe is > 0 && SpeedupTime is { } t ? t / SpeedupNfe : null;
    /// <summary>Percent of samples whose extracted answer equals the baseline's.</summary>
    public double? Agreement { get; init; }
    /// <summary>Percent of samples whose whole answer text equals the baseline's.</summary>
    public double? IdenticalText { get; init; }

    /// <summary>
    /// One result per method and length that has records among the first <c>limit</c> samples, in
    /// the order of <paramref name="methods"/> within each length.
    /// </summary>
    public static IReadOnlyList<MethodResult> Summarize(IEnumerable<SampleRecord> records, IReadOnlyList<DecodingMethod> methods,
        IReadOnlyList<LengthPlan> lengths, EvalMetric metric)
    {
        var byKey = records.ToLookup(r => (r.Method, r.GenLength));
        var results = new List<MethodResult>();
        foreach (var (genLength, limit) in lengths)
        {
            var baseline = byKey[(DecodingMethods.BaselineName, genLength)].Where(r => r.Index < limit).ToDictionary(r => r.Index);
            foreach (var method in methods)
            {
                var rows = byKey[(method.Id, genLength)].Where(r => r.Index < limit).OrderBy(r => r.Index).ToArray();
                if (rows.Length == 0) continue;
                results.Add(Summarize(method.Id, genLength, rows, baseline, metric));
            }
        }
        return results;
    }

    internal static MethodResult Summarize(string method, int genLength, IReadOnlyList<SampleRecord> rows,
        IReadOnlyDictionary<int, SampleRecord> baseline, EvalMetric metric)
    {
        double seconds = rows.Sum(r => r.LatencyMs) / 1000;
        int nfe = rows.Sum(r => r.Nfe);
        var paired = rows.Where(r => baseline.ContainsKey(r.Index)).ToArray();
        double? SpeedUp(Func<SampleRecord, double> cost)
        {
            if (paired.Length == 0) return null;
            double mine = paired.Sum(cost), theirs = paired.Sum(r => cost(baseline[r.Index]));
            return mine > 0 ? theirs / mine : null;
        }
        double? Percent(Func<SampleRecord, SampleRecord, bool> same) =>
            paired.Length == 0 ? null : 100.0 * paired.Count(r => same(r, baseline[r.Index])) / paired.Length;

        return new MethodResult
        {
            Method = method,
            GenLength = genLength,
            N = rows.Count,
            Accuracy = 100.0 * rows.Count(r => r.CorrectBy(metric)) / rows.Count,
            AccuracyStrict = 100.0 * rows.Count(r => r.Correct) / rows.Count,
            AccuracyFlexible = 100.0 * rows.Count(r => r.FlexibleCorrect) / rows.Count,
            MeanNfe = (double)nfe / rows.Count,
            MeanLatencyMs = rows.Average(r => r.LatencyMs),
            TokensPerSecond = seconds > 0 ? rows.Sum(r => r.TextTokens) / seconds : 0,
            Tpf = nfe > 0 ? (double)rows.Sum(r => r.GeneratedTokens) / nfe : 0,
            MeanGeneratedTokens = rows.Average(r => r.GeneratedTokens),
            MeanTextTokens = rows.Average(r => r.TextTokens),
            SpeedupNfe = SpeedUp(r => r.Nfe),
            SpeedupTime = SpeedUp(r => r.LatencyMs),
            Agreement = Percent((a, b) => a.AnswerBy(metric) == b.AnswerBy(metric)),
            IdenticalText = Percent((a, b) => a.Text == b.Text),
        };
    }
}
