using Learn2PD.Core.Filter;

namespace Learn2PD.Core.Decoding;

/// <summary>How a filter's accepted positions combine with the schedule's top-k.</summary>
public enum FilterCombination
{
    /// <summary>Accepted positions OR the schedule's top-k, so a step is never slower than the schedule (the LLaDA authors' rule).</summary>
    Or,
    /// <summary>
    /// The Learn2PD authors' Dream sampler: the filter is consulted only when the schedule commits something;
    /// then the accepted positions replace its top-k, which applies only when nothing is accepted. A step can
    /// so commit fewer than the schedule's last step asks for and leave masks (see <see cref="DreamSamplerQuirks.StopWhenScheduleSpent"/>).
    /// </summary>
    AcceptedOnly,
}

/// <summary>
/// Learn2PD: masked positions where sigmoid(filter logit) &gt; τ_f (strict), combined with the schedule's
/// top-k (<see cref="FilterCombination"/>). The authors' filter reads the fp32 confidences of all block
/// positions (for Dream, σ(negative entropy) and 0 at committed ones; a block cut short by end-of-text is
/// zero-padded and the output sliced back, as in their code); a <see cref="PositionFilter"/> reads
/// richer per-position features, and what it accepts passes <see cref="CommitGuards"/>.
/// </summary>
public sealed class FilterPolicy(ICommitFilter filter, double acceptThreshold, FilterCombination combination = FilterCombination.Or) : ICommitPolicy
{
    public double AcceptThreshold { get; } = acceptThreshold;

    public bool ReadsDistribution => filter.ReadsDistribution;

    public void Select(BlockStep step)
    {
        if (combination == FilterCombination.AcceptedOnly && step.ScheduledCount == 0) return;
        // The filter reads the block's positions only; earlier candidates (a Dream quirk) are never accepted.
        float[] logits = filter.Logits(step.BlockOnly());
        for (int j = step.BlockOffset; j < step.Length; j++)
        {
            // The authors' Dream sampler never accepts a position whose prediction is the mask id.
            if (combination == FilterCombination.AcceptedOnly && step.Predictions[j] == step.Mask) continue;
            if (step.Masked[j] && Sigmoid(logits[j - step.BlockOffset]) > AcceptThreshold) step.Commit[j] = step.Accepted[j] = true;
        }
        if (filter.GuardsCommits) CommitGuards.Apply(step);
        if (combination == FilterCombination.Or || !step.AnyAccepted()) step.CommitTopK(step.ScheduledCount);
    }

    // The reference compares torch.sigmoid of fp32 logits; float arithmetic here keeps that precision.
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
