namespace Learn2PD.Core.Decoding;

/// <summary>
/// Fast-dLLM's parallel rule: every masked block position with confidence ≥ τ (equality accepted),
/// and always the most confident one so each step makes progress.
/// </summary>
public sealed class ThresholdPolicy(double threshold) : ICommitPolicy
{
    /// <summary>Fast-dLLM's default τ.</summary>
    public const double FastDllmThreshold = 0.9;

    public double Threshold { get; } = threshold;

    public ConfidenceKind? Confidence => ConfidenceKind.Probability;

    public void Select(BlockStep step)
    {
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Masked[j] && step.Confidences[j] >= Threshold) step.Commit[j] = step.Accepted[j] = true;
        }
        step.CommitTopK(1);
    }
}
