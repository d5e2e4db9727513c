using Learn2PD.Core.Filter;
using static TorchSharp.torch;

namespace Learn2PD.Train.FilterTraining;

/// <summary>
/// How the filter's accept decisions (sigmoid(logit) &gt; τ) match the oracle labels, counted on the
/// positions a decode lets it decide: those still masked. A false positive commits a token the
/// reference does not have, so the false-positive rate is what costs accuracy; recall is what buys speed.
/// </summary>
public sealed record FilterMetrics(double Threshold, double Precision, double Recall, double FalsePositiveRate,
    long Positions, long Positives, long Accepted)
{
    public static FilterMetrics Measure(Learn2PdFilter filter, LabelTensors data, double threshold)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var accept = filter.forward(data.Confidences).sigmoid() > threshold;
        var positive = data.Correct > 0.5;
        var masked = data.Masked;
        long positions = masked.sum().item<long>();
        long positives = (positive & masked).sum().item<long>();
        long accepted = (accept & masked).sum().item<long>();
        long truePositives = (accept & positive & masked).sum().item<long>();
        long falsePositives = accepted - truePositives;
        long negatives = positions - positives;
        return new FilterMetrics(threshold,
            Precision: accepted == 0 ? double.NaN : truePositives / (double)accepted,
            Recall: positives == 0 ? double.NaN : truePositives / (double)positives,
            FalsePositiveRate: negatives == 0 ? double.NaN : falsePositives / (double)negatives,
            positions, positives, accepted);
    }
}
