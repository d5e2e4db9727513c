namespace Learn2PD.Core.Decoding;

/// <summary>
/// Learn2PD's end-of-text prediction (EoTP). Read before the step's commit: if a position the policy
/// accepted predicts end-of-text, the sequence ends right after the first such position; otherwise,
/// if any still-masked position in the search window predicts it, the sequence ends right after the
/// most confident one (which may stay masked and be decoded later). The cut is applied after the
/// commit and is permanent. Without a cache the window is the rest of the sequence; with a cache,
/// only the current block is visible.
/// </summary>
public static class EndOfTextPredictor
{
    /// <param name="windowPredictions">Predictions from the block start onwards.</param>
    /// <param name="windowConfidences">Their confidences.</param>
    /// <param name="windowMasked">True where the position is still masked (before this step's commit).</param>
    /// <param name="windowLength">How many window positions the search covers.</param>
    /// <returns>The new sequence length relative to the block start (cut after that many), or null.</returns>
    public static int? FindCut(BlockStep step, ReadOnlySpan<long> windowPredictions, ReadOnlySpan<double> windowConfidences,
        ReadOnlySpan<bool> windowMasked, int windowLength, long endOfText)
    {
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Accepted[j] && step.Predictions[j] == endOfText) return j + 1;
        }
        int best = -1;
        for (int j = 0; j < windowLength; j++)
        {
            if (!windowMasked[j] || windowPredictions[j] != endOfText) continue;
            if (best < 0 || windowConfidences[j] > windowConfidences[best]) best = j;
        }
        return best < 0 ? null : best + 1;
    }
}
