using Learn2PD.Core.Decoding;

namespace Learn2PD.Core.Filter;

/// <summary>
/// A learned acceptance rule for Learn2PD's filter policy: one logit per block position, and the policy
/// commits masked positions whose sigmoid exceeds τ_f. Two kinds: the authors' MLP over the block's
/// confidences (<see cref="Learn2PdFilter"/>) and a per-position MLP over richer features (<see cref="PositionFilter"/>).
/// </summary>
public interface ICommitFilter : IDisposable
{
    /// <summary>"learn2pd" or "position": what the sidecar and reports call it.</summary>
    string Kind { get; }

    /// <summary>The block length the filter is built for, or null when it works at any.</summary>
    int? BlockLength { get; }

    /// <summary>Whether it reads the runner-up probabilities and entropies of the step.</summary>
    bool ReadsDistribution { get; }

    /// <summary>
    /// Whether the policy passes what it accepts through <see cref="CommitGuards"/>: the position filter's decodes
    /// do (it is fitted on decodes that do, in its later rounds); the authors' filter reproduces their sampler.
    /// </summary>
    bool GuardsCommits => false;

    /// <summary>One logit per position of the step's block (its <see cref="BlockStep.Length"/> of them).</summary>
    float[] Logits(BlockStep step);
}
