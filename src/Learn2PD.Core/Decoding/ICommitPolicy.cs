namespace Learn2PD.Core.Decoding;

/// <summary>
/// Decides which masked positions of the current block a step commits. One instance serves one
/// decode call (it may keep per-row state, like the oracle's stall guard).
/// </summary>
public interface ICommitPolicy
{
    /// <summary>Fills <see cref="BlockStep.Commit"/> (and optionally Accepted / CommitTokens).</summary>
    void Select(BlockStep step);

    /// <summary>Whether <see cref="Select"/> reads <see cref="BlockStep.SecondConfidences"/> and <see cref="BlockStep.Entropies"/> (they cost a pass over the vocabulary).</summary>
    bool ReadsDistribution => false;

    /// <summary>The confidence the policy's parameter is defined on (a threshold τ on probabilities), or null for the model family's ranking confidence.</summary>
    ConfidenceKind? Confidence => null;
}
