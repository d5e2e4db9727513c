namespace Learn2PD.Train.FilterTraining;

/// <summary>One bin of a reliability diagram: predicted probabilities in [Low, High), their mean, and how often they were right.</summary>
public sealed record ReliabilityBin(double Low, double High, long Count, double MeanPredicted, double Observed);

/// <summary>
/// How well a score separates correct from wrong predictions among decidable positions: ROC-AUC (the
/// chance a random correct one scores above a random wrong one), average precision, and precision and
/// recall of accepting above a threshold.
/// </summary>
public sealed record Separation(double RocAuc, double AveragePrecision, long Positives, long Negatives)
{
    public static Separation Measure(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        long positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return new Separation(double.NaN, double.NaN, positives, negatives);
        // AUC by the rank-sum, ties counted as halves; AP as the mean precision at each positive.
        double rankSum = 0, precisionSum = 0;
        long truePositives = 0;
        int k = 0;
        while (k < order.Length)
        {
            int end = k;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[k]]) end++;
            long groupPositives = 0;
            for (int i = k; i <= end; i++) if (labels[order[i]]) groupPositives++;
            double averageRank = order.Length - (k + end) / 2.0; // rank from the bottom, 1-based
            rankSum += groupPositives * averageRank;
            truePositives += groupPositives;
            if (groupPositives > 0) precisionSum += groupPositives * truePositives / (double)(end + 1);
            k = end + 1;
        }
        double auc = (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
        return new Separation(auc, precisionSum / positives, positives, negatives);
    }

    /// <summary>Precision and recall of accepting where score &gt; threshold (NaN precision when nothing is accepted).</summary>
    public static (double Precision, double Recall) At(IReadOnlyList<float> scores, IReadOnlyList<bool> labels, double threshold)
    {
        long accepted = 0, truePositives = 0, positives = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (labels[i]) positives++;
            if (scores[i] <= threshold) continue;
            accepted++;
            if (labels[i]) truePositives++;
        }
        return (accepted == 0 ? double.NaN : truePositives / (double)accepted, positives == 0 ? double.NaN : truePositives / (double)positives);
    }

    /// <summary>Ten equal-width bins of predicted probability (empty bins left out).</summary>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<float> probabilities, IReadOnlyList<bool> labels, int bins = 10)
    {
        var result = new List<ReliabilityBin>();
        for (int b = 0; b < bins; b++)
        {
            double low = b / (double)bins, high = (b + 1) / (double)bins;
            var members = Enumerable.Range(0, probabilities.Count)
                .Where(i => probabilities[i] >= low && (probabilities[i] < high || (b == bins - 1 && probabilities[i] <= high))).ToArray();
            if (members.Length == 0) continue;
            result.Add(new ReliabilityBin(low, high, members.Length, members.Average(i => (double)probabilities[i]), members.Count(i => labels[i]) / (double)members.Length));
        }
        return result;
    }
}
