using Learn2PD.Core.Decoding;

namespace Learn2PD.Eval;

/// <summary>One operating point of a family: its parameter (τ or τ_f) and what it reached.</summary>
public sealed record FrontierPoint(double Param, double Accuracy, double SpeedupNfe, double? SpeedupTime, double Tpf);

/// <summary>
/// A method family's accuracy–speed curve at one generation length (the comparison the field makes with
/// hao-ai-lab's AUP): every point the run measured, the Pareto frontier (no other point is both at least
/// as accurate and at least as fast), the fastest point within 1 (and 2) points of the baseline's
/// accuracy, the family's AUP with the baseline as its first point, and <see cref="SpeedupCeiling"/>.
/// </summary>
/// <param name="SpeedupCeiling">
/// The largest NFE speed-up any commit policy of the family could reach on these samples: the baseline's NFE
/// over the fewest forwards a decode can take, one per block without end-of-text prediction (every block
/// costs a forward) and one in all with it (a cut in the first forward ends the decode).
/// </param>
public sealed record FamilyFrontier(int GenLength, string Family, int N, double BaselineAccuracy, IReadOnlyList<FrontierPoint> Points,
    IReadOnlyList<FrontierPoint> Pareto, FrontierPoint? BestWithin1Pt, FrontierPoint? BestWithin2Pt, double Aup, double SpeedupCeiling)
{
    /// <summary>
    /// The frontier of every parametrized family with results at each length. <paramref name="defaultParameter"/>
    /// gives the parameter a method without @ ran with (τ 0.9, or the filter's τ_f).
    /// </summary>
    public static IReadOnlyList<FamilyFrontier> Compute(IReadOnlyList<MethodResult> results, Func<DecodingMethod, double?> defaultParameter, int blockLength)
    {
        var frontiers = new List<FamilyFrontier>();
        foreach (var length in results.GroupBy(r => r.GenLength))
        {
            var baseline = length.FirstOrDefault(r => r.Method == DecodingMethods.BaselineName);
            if (baseline is null) continue;
            var byFamily = length
                .Select(r => (Result: r, Method: DecodingMethods.Parse(r.Method)))
                .Where(x => x.Method.HasParameter && x.Result.SpeedupNfe is > 0)
                .GroupBy(x => x.Method.Name);
            foreach (var family in byFamily.OrderBy(g => DecodingMethods.All.ToList().FindIndex(m => m.Name == g.Key)))
            {
                int fewestForwards = family.First().Method.EndOfTextPrediction ? 1 : DecodeOptions.Baseline(length.Key, blockLength).BlockCount;
                var points = family
                    .Select(x => (Param: x.Method.Parameter ?? defaultParameter(x.Method), x.Result))
                    .Where(x => x.Param is not null)
                    .GroupBy(x => x.Param!.Value).Select(g => g.First())
                    .Select(x => new FrontierPoint(x.Param!.Value, x.Result.Accuracy, x.Result.SpeedupNfe!.Value, x.Result.SpeedupTime, x.Result.Tpf))
                    .OrderBy(p => p.Param).ToArray();
                if (points.Length == 0) continue;
                frontiers.Add(new FamilyFrontier(length.Key, family.Key, family.Min(x => x.Result.N), baseline.Accuracy, points, ParetoOf(points),
                    BestWithin(points, baseline.Accuracy, 1), BestWithin(points, baseline.Accuracy, 2),
                    Eval.Aup.Compute([(baseline.Tpf, baseline.Accuracy), .. points.Select(p => (p.Tpf, p.Accuracy))]),
                    baseline.MeanNfe / fewestForwards));
            }
        }
        return frontiers;
    }

    /// <summary>Points no other point dominates (at least as accurate and at least as fast, better in one), by speed-up.</summary>
    public static IReadOnlyList<FrontierPoint> ParetoOf(IReadOnlyList<FrontierPoint> points) =>
        points.Where(p => !points.Any(q => q.Accuracy >= p.Accuracy && q.SpeedupNfe >= p.SpeedupNfe
                                           && (q.Accuracy > p.Accuracy || q.SpeedupNfe > p.SpeedupNfe)))
            .OrderBy(p => p.SpeedupNfe).ToArray();

    /// <summary>The fastest point whose accuracy is at most <paramref name="margin"/> points below the baseline's (then the more accurate).</summary>
    public static FrontierPoint? BestWithin(IReadOnlyList<FrontierPoint> points, double baselineAccuracy, double margin) =>
        points.Where(p => p.Accuracy >= baselineAccuracy - margin - 1e-9)
            .OrderByDescending(p => p.SpeedupNfe).ThenByDescending(p => p.Accuracy).FirstOrDefault();
}
