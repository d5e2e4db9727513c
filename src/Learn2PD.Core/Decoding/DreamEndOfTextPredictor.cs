namespace Learn2PD.Core.Decoding;

/// <summary>
/// Learn2PD's end-of-text prediction as the authors' Dream sampler does it, read after the step's
/// commit: once the answer holds an end-of-text token, the sequence ends right after the first one;
/// otherwise, if a position of the block that was masked before the step predicts end-of-text, it ends
/// right after the most confident such position (which may stay masked and be decoded later). The cut is
/// permanent. The reference looks for the first end-of-text in the whole sequence, prompt included, so a
/// prompt holding the id (a BOS equal to it, or left padding) would cut into the prompt; here only the
/// answer is searched, which is the same wherever the prompt has none.
/// </summary>
public sealed class DreamEndOfTextPredictor(long endOfText)
{
    /// <summary>The row's new length after this step, or null when it keeps its length.</summary>
    /// <param name="answer">The row's tokens from the answer start to its current end, after this step's commit.</param>
    /// <param name="answerStart">Absolute position of the answer's first token.</param>
    public int? FindCut(BlockStep step, ReadOnlySpan<long> answer, int answerStart)
    {
        int first = answer.IndexOf(endOfText);
        if (first >= 0) return Shorter(answerStart + first + 1, answerStart + answer.Length);
        int best = -1;
        for (int j = 0; j < step.Length; j++)
        {
            if (!step.Masked[j] || step.Predictions[j] != endOfText) continue;
            if (best < 0 || step.Confidences[j] > step.Confidences[best]) best = j;
        }
        return best < 0 ? null : Shorter(step.BlockStart + best + 1, answerStart + answer.Length);
    }

    private static int? Shorter(int cut, int length) => cut < length ? cut : null;
}
