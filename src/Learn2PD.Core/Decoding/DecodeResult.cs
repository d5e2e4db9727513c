namespace Learn2PD.Core.Decoding;

/// <summary>The answer of one batch row: generated ids (shorter than gen_length after an EoTP cut) and its NFE.</summary>
public sealed record RowResult(long[] AnswerIds, int Nfe);

/// <summary>A decode call's outcome. <see cref="Forwards"/> counts model calls for the whole batch.</summary>
public sealed record DecodeResult(IReadOnlyList<RowResult> Rows, int Forwards, TimeSpan Elapsed);

/// <summary>
/// One step of one row, for visualisation and label recording: the block's predictions and
/// confidences (committed positions included), what was masked before the step, what it committed,
/// and the sequence length after an end-of-text cut (null when none happened); with distribution
/// features (a tracing or feature-reading decode) also the runner-up probabilities and entropies, and
/// how many steps each prediction has been stable.
/// </summary>
public sealed record StepTrace(
    int Row, int Block, int Step, int BlockStart, int AnswerOffset,
    long[] Predictions, double[] Confidences, bool[] Masked, bool[] Committed, long[] CommittedTokens, int? CutLength)
{
    public double[]? SecondConfidences { get; init; }
    public double[]? Entropies { get; init; }
    public int[]? Stable { get; init; }
}
