namespace Learn2PD.Core.Decoding;

/// <summary>
/// Fast-dLLM's threshold on Dream without a cache (<c>alg="confidence_threshold"</c> in Dream's own
/// sampler): each step has a budget, the fixed schedule's share (gen_length / steps) plus what earlier
/// steps turned down. Of that many most confident masked positions, the first is always committed and
/// every other one only if its confidence is at least τ; the rest carry over. Once the planned steps
/// are spent the budget is only the carry, so decoding goes on until every position is committed.
/// </summary>
public sealed class ThresholdBudgetPolicy(double threshold) : ICommitPolicy
{
    private readonly Dictionary<int, int> carried = [];

    public double Threshold { get; } = threshold;

    public ConfidenceKind? Confidence => ConfidenceKind.Probability;

    public void Select(BlockStep step)
    {
        int budget = step.ScheduledCount + carried.GetValueOrDefault(step.Row);
        // Masked positions by confidence, descending; ties: lower position first.
        var ranked = Enumerable.Range(0, step.Length).Where(j => step.Masked[j])
            .OrderByDescending(j => step.Confidences[j]).ThenBy(j => j).Take(budget).ToArray();
        int turnedDown = budget - ranked.Length;
        for (int r = 0; r < ranked.Length; r++)
        {
            if (r == 0 || step.Confidences[ranked[r]] >= Threshold) step.Commit[ranked[r]] = step.Accepted[ranked[r]] = true;
            else turnedDown++;
        }
        carried[step.Row] = turnedDown;
    }
}
