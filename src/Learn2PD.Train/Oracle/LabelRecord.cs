namespace Learn2PD.Train.Oracle;

/// <summary>
/// One step of one block of a recorded decode: the authors' filter input (the confidences of every
/// block position, committed ones included) and the target (whether each position's prediction equals
/// the reference answer), which positions were still masked (the only ones a filter decides), and what
/// a <see cref="Core.Filter.PositionFilter"/> reads besides: runner-up probabilities, entropies, how
/// long each prediction has been stable, and which positions predict end-of-text.
/// </summary>
public sealed record LabelRecord(int Block, int Step, float[] Confidences, bool[] Correct, bool[] Masked)
{
    /// <summary>Which decode the step belongs to: <see cref="OracleTrajectory"/> (the authors'), <see cref="ReferenceTrajectory"/> or <see cref="SampledTrajectory"/>.</summary>
    public string Trajectory { get; init; } = OracleTrajectory;
    public float[]? SecondConfidences { get; init; }
    public float[]? Entropies { get; init; }
    public int[]? Stable { get; init; }
    public bool[]? PredictsEndOfText { get; init; }
    /// <summary>The block's text before the step: committed tokens, predictions where masked (label files recorded since the text features).</summary>
    public long[]? Text { get; init; }

    /// <summary>The oracle's steps: it commits every correct prediction at once.</summary>
    public const string OracleTrajectory = "oracle";
    /// <summary>The baseline's steps (one token per step): states with every share of the block committed.</summary>
    public const string ReferenceTrajectory = "reference";
    /// <summary>The steps of sampled baseline decodes whose answer agrees with the reference: other wordings.</summary>
    public const string SampledTrajectory = "sampled";
    /// <summary>A later round's decodes with the previous round's filter (<see cref="FilterRollout"/>): the states a filter decode reaches.</summary>
    public const string RolloutTrajectory = "rollout";
}

/// <summary>
/// Everything recorded for one prompt: the reference answer (the baseline decode), the baseline's
/// and the oracle's NFE, the seconds its batch spent on each (shared equally among the batch's rows),
/// and the oracle run's label records, in decode order.
/// </summary>
public sealed record PromptLabels(
    int Prompt, long[] Reference, int BaselineNfe, int OracleNfe, double ReferenceSeconds, double OracleSeconds,
    IReadOnlyList<LabelRecord> Records)
{
    /// <summary>The further references (sampled answers that agree with <see cref="Reference"/>): what a later round labels against too.</summary>
    public IReadOnlyList<long[]> Alternatives { get; init; } = [];
}
