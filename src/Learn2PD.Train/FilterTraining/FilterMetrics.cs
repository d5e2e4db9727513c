namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// How the filter's accept decisions (probability &gt; τ) match the labels, counted on the positions a
/// decode lets it decide: those still masked. A false positive commits a token the reference does not
/// have, so the false-positive rate is what costs accuracy; recall is what buys speed.
/// </summary>
public sealed record FilterMetrics(double Threshold, double Precision, double Recall, double FalsePositiveRate,
    long Positions, long Positives, long Accepted)
{
    /// <param name="probabilities">The filter's sigmoid outputs on masked positions.</param>
    /// <param name="labels">Whether each prediction equals the reference.</param>
    public static FilterMetrics Measure(IReadOnlyList<float> probabilities, IReadOnlyList<bool> labels, double threshold)
    {
        long positions = labels.Count, positives = 0, accepted = 0, truePositives = 0;
        for (int i = 0; i < probabilities.Count; i++)
        {
            if (labels[i]) positives++;
            if (probabilities[i] <= threshold) continue;
            accepted++;
            if (labels[i]) truePositives++;
        }
        long falsePositives = accepted - truePositives, negatives = positions - positives;
        return new FilterMetrics(threshold,
            Precision: accepted == 0 ? double.NaN : truePositives / (double)accepted,
            Recall: positives == 0 ? double.NaN : truePositives / (double)positives,
            FalsePositiveRate: negatives == 0 ? double.NaN : falsePositives / (double)negatives,
            positions, positives, accepted);
    }
}
