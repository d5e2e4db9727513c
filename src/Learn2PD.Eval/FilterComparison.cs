namespace Learn2PD.Eval;

/// <summary>
/// A filter family against the threshold family with the same end-of-text prediction and cache at one
/// generation length (l2p against threshold, l2p+eotp against threshold+eotp, l2p+eotp+dual against
/// threshold+eotp+dual): each one's fastest point within <see cref="Margin"/> points of the baseline, the
/// ratio of their NFE speed-ups, and the largest ratio any policy could reach against that threshold
/// point (the family's speed-up ceiling over the threshold's speed-up), which says whether the model
/// leaves a policy room to win at all.
/// </summary>
public sealed record FilterComparison(int GenLength, string FilterFamily, string ThresholdFamily, double Margin,
    FrontierPoint? FilterBest, FrontierPoint? ThresholdBest, double AupFilter, double AupThreshold, double SpeedupCeiling)
{
    private const string FilterPrefix = "l2p";
    private const string ThresholdPrefix = "threshold";

    /// <summary>Filter ÷ threshold NFE speed-up of the two best points, or null when either family has none within the margin.</summary>
    public double? Ratio => FilterBest is { } f && ThresholdBest is { } t ? f.SpeedupNfe / t.SpeedupNfe : null;

    /// <summary>The ratio a policy at the family's speed-up ceiling would reach against the threshold's best point.</summary>
    public double? RatioCeiling => ThresholdBest is { } t ? SpeedupCeiling / t.SpeedupNfe : null;

    /// <summary>Every like-for-like pair among the frontiers; the dual pair is read within 2 points, the others within 1.</summary>
    public static IReadOnlyList<FilterComparison> Compute(IReadOnlyList<FamilyFrontier> frontiers) =>
        (from filter in frontiers
         where filter.Family.StartsWith(FilterPrefix, StringComparison.Ordinal)
         let thresholdName = ThresholdPrefix + filter.Family[FilterPrefix.Length..]
         from threshold in frontiers
         where threshold.GenLength == filter.GenLength && threshold.Family == thresholdName
         let margin = filter.Family.EndsWith("+dual", StringComparison.Ordinal) ? 2.0 : 1.0
         select new FilterComparison(filter.GenLength, filter.Family, threshold.Family, margin,
             FamilyFrontier.BestWithin(filter.Points, filter.BaselineAccuracy, margin),
             FamilyFrontier.BestWithin(threshold.Points, threshold.BaselineAccuracy, margin),
             filter.Aup, threshold.Aup, filter.SpeedupCeiling)).ToArray();
}
