namespace Learn2PD.Train.Oracle;

/// <summary>
/// One step of one block of an oracle run: the filter's input (the confidences of every block
/// position, committed ones included) and its target (whether each position's prediction equals
/// the reference answer), plus which positions were still masked (the only ones a filter decides).
/// </summary>
public sealed record LabelRecord(int Block, int Step, float[] Confidences, bool[] Correct, bool[] Masked);

/// <summary>
/// Everything recorded for one prompt: the reference answer (the baseline decode), the baseline's
/// and the oracle's NFE, the seconds its batch spent on each (shared equally among the batch's rows),
/// and the oracle run's label records, in decode order.
/// </summary>
public sealed record PromptLabels(
    int Prompt, long[] Reference, int BaselineNfe, int OracleNfe, double ReferenceSeconds, double OracleSeconds,
    IReadOnlyList<LabelRecord> Records);
