namespace Learn2PD.Core.Decoding;

/// <summary>
/// Learn2PD's end-of-text prediction (EoTP). Read before the step's commit: if a position the policy
/// accepted predicts end-of-text, the sequence ends right after the first such position; otherwise,
/// if a still-masked position in the search window predicts it, the sequence ends right after the
/// most confident one (which may stay masked and be decoded later). The paper takes that position
/// however unsure it is; with <paramref name="minConfidence"/> it must reach that confidence, because
/// when an answer's length is still open (several right phrasings of different lengths) the unsure
/// end-of-text predictions sit inside the answer, and each cut shrinks the window towards them.
/// The cut is applied after the commit and is permanent. Without a cache the window is the rest of the
/// sequence (the forward saw it all); with a cache, only the current block is visible.
/// </summary>
/// <param name="minConfidence">null for the paper's rule.</param>
public sealed class EndOfTextPredictor(long endOfText, long maskId, bool searchesWholeSequence, double? minConfidence = null)
{
    /// <summary>End (exclusive) of the positions whose predictions a step of this block needs.</summary>
    public int WindowEnd(int blockStart, int blockLength, int sequenceLength) =>
        searchesWholeSequence ? sequenceLength : Math.Min(blockStart + blockLength, sequenceLength);

    /// <summary>The row's new length after this step, or null when it keeps its length.</summary>
    /// <param name="tokens">The row's tokens from the block start to its current end, before this step's commit.</param>
    /// <param name="predictions">Predictions from the block start onwards (at least the window).</param>
    /// <param name="confidences">Their confidences.</param>
    public int? FindCut(BlockStep step, ReadOnlySpan<long> tokens, ReadOnlySpan<long> predictions, ReadOnlySpan<double> confidences)
    {
        int? relative = Search(step, tokens, predictions, confidences);
        return relative is int r && r < tokens.Length ? step.BlockStart + r : null;
    }

    private int? Search(BlockStep step, ReadOnlySpan<long> tokens, ReadOnlySpan<long> predictions, ReadOnlySpan<double> confidences)
    {
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Accepted[j] && step.Predictions[j] == endOfText) return j + 1;
        }
        int window = searchesWholeSequence ? Math.Min(predictions.Length, tokens.Length) : step.Length;
        int best = -1;
        for (int j = 0; j < window; j++)
        {
            if (tokens[j] != maskId || predictions[j] != endOfText || confidences[j] < minConfidence) continue;
            if (best < 0 || confidences[j] > confidences[best]) best = j;
        }
        return best < 0 ? null : best + 1;
    }
}
