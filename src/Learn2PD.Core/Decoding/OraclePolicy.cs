using Learn2PD.Core.Model;

namespace Learn2PD.Core.Decoding;

/// <summary>When the oracle stops waiting for the model and copies the reference into the block.</summary>
public enum OracleStallGuard
{
    /// <summary>The block's predictions did not change since the previous step (the LLaDA authors' rule): a step that commits nothing is followed by this.</summary>
    UnchangedPredictions,
    /// <summary>
    /// Every masked position predicts the mask id itself (the authors' Dream label script): practically never,
    /// so positions the model never gets right stay masked until the block's schedule is spent.
    /// </summary>
    AllPredictMask,
}

/// <summary>
/// The "extremely greedy" oracle: commit every masked position whose prediction already equals the
/// reference answer (no top-1 forcing, so a step may commit nothing). Stall guard
/// (<see cref="OracleStallGuard"/>): copy the reference into the block. It bounds every policy from above
/// and labels the filter's training data. Reference positions past the end of a (shorter) reference
/// count as end-of-text.
/// </summary>
public sealed class OraclePolicy : ICommitPolicy
{
    private readonly IReadOnlyList<long[]> references;
    private readonly long endOfText;
    private readonly OracleStallGuard guard;
    private readonly Dictionary<int, (int Block, long[] Predictions)> previous = [];

    /// <param name="references">Per batch row, the reference answer ids (generated part only).</param>
    public OraclePolicy(IReadOnlyList<long[]> references, long endOfText, OracleStallGuard guard = OracleStallGuard.UnchangedPredictions)
    {
        this.references = references;
        this.endOfText = endOfText;
        this.guard = guard;
    }

    /// <summary>
    /// The references the oracle reads when none are given: the model's own answers, decoded one token per
    /// step without cache or end-of-text prediction (the baseline), with the other settings of <paramref name="options"/>.
    /// </summary>
    public static IReadOnlyList<long[]> BaselineReferences(BlockDecoder decoder, IReadOnlyList<int[]> prompts, DecodeOptions options) =>
        decoder.Decode(prompts, options with { Steps = options.GenLength, EndOfTextPrediction = false, Cache = CacheKind.None }, new FixedSchedulePolicy())
            .Rows.Select(r => r.AnswerIds).ToArray();

    /// <summary>
    /// The oracle's perfect end-of-text prediction: the answer length that covers the reference up to
    /// its first end-of-text, rounded up to whole blocks (blocks past it cost nothing, as after an
    /// end-of-text cut). EoTP's masked-position rule could cut the answer short of the reference, so a
    /// benchmark's oracle decodes this length instead.
    /// </summary>
    public static int ReferenceLength(long[] reference, long endOfText, int blockLength, int genLength)
    {
        int end = Array.IndexOf(reference, endOfText);
        int used = end < 0 ? reference.Length : end + 1;
        return Math.Clamp((used + blockLength - 1) / blockLength * blockLength, blockLength, genLength);
    }

    /// <summary>The reference token at a position of the answer.</summary>
    public long ReferenceAt(int row, int answerPosition)
    {
        var reference = references[row];
        return answerPosition < reference.Length ? reference[answerPosition] : endOfText;
    }

    public void Select(BlockStep step)
    {
        bool stalled = guard == OracleStallGuard.AllPredictMask ? AllPredictMask(step) : Unchanged(step);
        for (int j = 0; j < step.Length; j++)
        {
            if (!step.Masked[j]) continue;
            long reference = ReferenceAt(step.Row, step.AnswerOffset + j);
            if (stalled)
            {
                step.Commit[j] = true;
                step.CommitTokens[j] = reference;
            }
            else if (step.Predictions[j] == reference)
            {
                step.Commit[j] = step.Accepted[j] = true;
            }
        }
    }

    private bool Unchanged(BlockStep step)
    {
        bool stalled = previous.TryGetValue(step.Row, out var last) && last.Block == step.BlockIndex
            && last.Predictions.Length == step.Length
            && step.Predictions.AsSpan(0, step.Length).SequenceEqual(last.Predictions);
        previous[step.Row] = (step.BlockIndex, step.Predictions.AsSpan(0, step.Length).ToArray());
        return stalled;
    }

    private static bool AllPredictMask(BlockStep step)
    {
        for (int j = 0; j < step.Length; j++)
        {
            if (step.Masked[j] && step.Predictions[j] != step.Mask) return false;
        }
        return true;
    }
}
