namespace Learn2PD.Eval;

/// <summary>
/// AUP, Accuracy Under Parallelism (hao-ai-lab, 2025): the area under the accuracy-vs-TPF curve,
/// weighted down where accuracy falls below the best. Points sorted by TPF ρ1 &lt; … &lt; ρm with
/// accuracies y in percent; points with y &lt; y1 − 5 are dropped; then
/// AUP = ρ1·y1 + ½ Σ_{i≥2} (ρi − ρ(i−1)) (yi·W(yi) + y(i−1)·W(y(i−1))), W(y) = min(exp(−3 (1 − y / y_max)), 1),
/// y_max the best accuracy of all the points.
/// </summary>
public static class Aup
{
    public const double AccuracyDrop = 5;

    /// <param name="points">(TPF, accuracy in percent) per method; at least one.</param>
    public static double Compute(IReadOnlyList<(double Tpf, double Accuracy)> points)
    {
        if (points.Count == 0) return 0;
        double best = points.Max(p => p.Accuracy);
        var sorted = points.OrderBy(p => p.Tpf).ToArray();
        double floor = sorted[0].Accuracy - AccuracyDrop;
        var kept = sorted.Where(p => p.Accuracy >= floor).ToArray();

        double Weighted(double y) => best <= 0 ? 0 : y * Math.Min(Math.Exp(-3 * (1 - y / best)), 1);

        double area = kept[0].Tpf * kept[0].Accuracy;
        for (int i = 1; i < kept.Length; i++)
            area += 0.5 * (kept[i].Tpf - kept[i - 1].Tpf) * (Weighted(kept[i].Accuracy) + Weighted(kept[i - 1].Accuracy));
        return area;
    }
}
