using Learn2PD.Core.Filter;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// Learn2PD: masked positions where sigmoid(filter logit) &gt; τ_f (strict), OR-ed with the fixed
/// schedule's top-k so a step is never slower than the baseline. The authors' filter reads the fp32
/// confidences of all block positions, committed ones included (a block cut short by end-of-text is
/// zero-padded and the output sliced back, as in their code); a <see cref="PositionFilter"/> reads
/// richer per-position features.
/// </summary>
public sealed class FilterPolicy(ICommitFilter filter, double acceptThreshold) : ICommitPolicy
{
    public double AcceptThreshold { get; } = acceptThreshold;

    public bool ReadsDistribution => filter.ReadsDistribution;

    public void Select(BlockStep step)
    {
        float[] logits = filter.Logits(step);
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Masked[j] && Sigmoid(logits[j]) > AcceptThreshold) step.Commit[j] = step.Accepted[j] = true;
        }
        step.CommitTopK(step.ScheduledCount);
    }

    // The reference compares torch.sigmoid of fp32 logits; float arithmetic here keeps that precision.
    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
