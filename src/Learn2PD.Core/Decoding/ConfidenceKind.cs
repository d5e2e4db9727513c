namespace Learn2PD.Core.Decoding;

/// <summary>
/// What a step's per-position confidence is: what schedules rank by, thresholds compare, filters read,
/// end-of-text prediction picks the most confident of, and labels record. Computed from the softmax
/// after Dream's top-p/top-k filtering when those are set.
/// </summary>
public enum ConfidenceKind
{
    /// <summary>Softmax probability of the predicted token (LLaDA; Dream's <c>maskgit_plus</c> and every threshold).</summary>
    Probability,
    /// <summary>Top-1 minus top-2 probability (Dream's <c>topk_margin</c>).</summary>
    Margin,
    /// <summary><c>Σ p·log(p + 1e−10)</c>, at most 0, larger = surer (Dream's <c>entropy</c>).</summary>
    NegativeEntropy,
    /// <summary>
    /// σ(negative entropy), in (0, ½]: the Learn2PD authors' Dream sampler ranks by the negative entropy
    /// (the same order) and feeds this to its filter and its training labels; as there, committed positions
    /// read σ(−∞) = 0. The Dream family's default, so filters trained here read what theirs read.
    /// </summary>
    SigmoidNegativeEntropy,
}
