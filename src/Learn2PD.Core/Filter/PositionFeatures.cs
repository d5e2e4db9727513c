namespace Learn2PD.Core.Filter;

/// <summary>What one decode step shows about its block, as plain spans (fp32, as label records store them): the same view at decode time and in training.</summary>
public readonly ref struct StepView(
    int step, ReadOnlySpan<bool> predictsEndOfText, ReadOnlySpan<float> confidences, ReadOnlySpan<float> secondConfidences,
    ReadOnlySpan<float> entropies, ReadOnlySpan<bool> masked, ReadOnlySpan<int> stable, ReadOnlySpan<long> text = default, long endOfText = -1)
{
    public int Step { get; } = step;
    public int Length => Masked.Length;
    public ReadOnlySpan<bool> PredictsEndOfText { get; } = predictsEndOfText;
    public ReadOnlySpan<float> Confidences { get; } = confidences;
    public ReadOnlySpan<float> SecondConfidences { get; } = secondConfidences;
    public ReadOnlySpan<float> Entropies { get; } = entropies;
    public ReadOnlySpan<bool> Masked { get; } = masked;
    public ReadOnlySpan<int> Stable { get; } = stable;
    /// <summary>The block's text as it stands: the committed token where committed, the prediction where masked (needed from <see cref="PositionFeatures.LeftContextCount"/> + 1 features on).</summary>
    public ReadOnlySpan<long> Text { get; } = text;
    /// <summary>The end-of-text id, for the features that read <see cref="Text"/>.</summary>
    public long EndOfText { get; } = endOfText;
}

/// <summary>
/// The per-position inputs of a <see cref="PositionFilter"/>: the signals the adaptive commit rules since
/// Learn2PD read (Prophet's top-1/top-2 margin, KLASS's stability, entropy), where the position sits in
/// its block and how much of its neighbourhood is already committed, and (the last
/// <see cref="LeftContextCount"/> − <see cref="FirstCount"/>) how settled the text to its left is: text is written left
/// to right, so a prediction whose left context is committed or sure is usually final even when the model
/// spreads its confidence over several right wordings, while one behind an undecided position may belong
/// to a wording that position will not take. The last four read the block's text (<see cref="StepView.Text"/>)
/// for the two ways a parallel commit breaks an answer: a token that repeats its neighbour (two positions
/// predicting the same word for one slot, "7 4 4 = 3", "32 32"), and an end-of-text run that starts too
/// early ("#### " then end-of-text where the number belongs). Every feature lies roughly in [0, 1] (or
/// [-1, 1]) and none depends on the block length, so one filter serves any block length. A filter reads
/// the first <c>width</c> features, so filters fitted on the earlier sets still load.
/// </summary>
public static class PositionFeatures
{
    /// <summary>Every feature.</summary>
    public const int Count = 28;

    /// <summary>The first feature set (position filters fitted before the left-context features).</summary>
    public const int FirstCount = 16;

    /// <summary>The second set: the first and the left context's (position filters fitted before the text features).</summary>
    public const int LeftContextCount = 24;

    /// <summary>Short names, in order (for reports).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "confidence", "margin", "entropy", "log_odds", "stable", "step", "position", "left_committed", "right_committed",
        "block_committed", "predicts_eot", "left_predicts_eot", "left_confidence", "right_confidence", "masked_before", "leftmost_masked",
        "left_min_confidence", "left_mean_confidence", "left_unsure", "left_gap", "left2_confidence", "right2_confidence", "left_margin", "right_margin",
        "repeats_left", "repeats_right", "eot_run", "eot_ahead",
    ];

    /// <summary>Whether a filter can read <paramref name="width"/> features (a feature set this code computes).</summary>
    public static bool IsWidth(long width) => width is FirstCount or LeftContextCount or Count;

    /// <summary>The widths a filter can read, for messages ("16, 24 or 28").</summary>
    public static string Widths => $"{FirstCount}, {LeftContextCount} or {Count}";

    /// <summary>
    /// The block's text as <see cref="StepView.Text"/> wants it, the same for a decode and for its label records:
    /// the committed token where a position is committed, its prediction where it is masked.
    /// </summary>
    public static long[] BlockText(ReadOnlySpan<long> predictions, ReadOnlySpan<bool> masked, ReadOnlySpan<long> committed)
    {
        var text = new long[masked.Length];
        for (int j = 0; j < text.Length; j++) text[j] = masked[j] ? predictions[j] : committed[j];
        return text;
    }

    /// <summary>Fills <paramref name="features"/> [n, width], row-major, for every position of the block.</summary>
    public static void Compute(StepView v, Span<float> features, int width = Count)
    {
        int n = v.Length;
        if (width > LeftContextCount && v.Text.Length != n) throw new ArgumentException($"the {width}-feature set reads the block's text", nameof(v));
        int committed = 0, firstMasked = -1;
        for (int j = 0; j < n; j++)
        {
            if (!v.Masked[j]) committed++;
            else if (firstMasked < 0) firstMasked = j;
        }
        Span<int> nextEndOfText = stackalloc int[width > LeftContextCount ? n : 0];
        for (int j = nextEndOfText.Length - 1, next = n; j >= 0; j--) nextEndOfText[j] = next = v.Text[j] == v.EndOfText ? j : next;
        int maskedBefore = 0, unsureBefore = 0, lastCommitted = -1, eotRun = 0;
        double minBefore = 1, sumBefore = 0;
        for (int j = 0; j < n; j++)
        {
            var f = features.Slice(j * width, width);
            double c = v.Confidences[j];
            double second = v.SecondConfidences[j];
            double entropy = v.Entropies[j];
            double odds = Math.Log(Math.Max(c, 1e-6) / Math.Max(1 - c, 1e-6));
            f[0] = (float)c;
            f[1] = (float)(c - second);
            f[2] = (float)Math.Min(entropy / 3, 1);
            f[3] = (float)Math.Clamp(odds / 10, -1, 1);
            f[4] = Math.Min(v.Stable[j], 4) / 4f;
            f[5] = Math.Min(v.Step, 8) / 8f;
            f[6] = n > 1 ? j / (float)(n - 1) : 0;
            f[7] = j == 0 || !v.Masked[j - 1] ? 1 : 0;   // the block start counts as committed context
            f[8] = j == n - 1 || !v.Masked[j + 1] ? 1 : 0;
            f[9] = committed / (float)n;
            f[10] = v.PredictsEndOfText[j] ? 1 : 0;
            f[11] = j > 0 && v.PredictsEndOfText[j - 1] ? 1 : 0;
            f[12] = j > 0 ? v.Confidences[j - 1] : 1;
            f[13] = j < n - 1 ? v.Confidences[j + 1] : 1;
            f[14] = maskedBefore / (float)n;
            f[15] = j == firstMasked ? 1 : 0;
            if (width > FirstCount)
            {
                // Over the masked positions to the left in the block (none: a settled left context).
                f[16] = (float)minBefore;
                f[17] = maskedBefore == 0 ? 1 : (float)(sumBefore / maskedBefore);
                f[18] = unsureBefore / (float)n;
                f[19] = (j - lastCommitted - 1) / (float)n;   // masked positions between j and the committed text on its left
                f[20] = j > 1 ? v.Confidences[j - 2] : 1;
                f[21] = j < n - 2 ? v.Confidences[j + 2] : 1;
                f[22] = j > 0 ? v.Confidences[j - 1] - v.SecondConfidences[j - 1] : 1;
                f[23] = j < n - 1 ? v.Confidences[j + 1] - v.SecondConfidences[j + 1] : 1;
            }
            if (width > LeftContextCount)
            {
                bool eot = v.Text[j] == v.EndOfText;
                f[24] = j > 0 && !eot && v.Text[j - 1] == v.Text[j] ? 1 : 0;
                f[25] = j < n - 1 && !eot && v.Text[j + 1] == v.Text[j] ? 1 : 0;
                f[26] = eot ? Math.Min(eotRun, 4) / 4f : 0;   // end-of-text positions in a row to its left
                f[27] = (nextEndOfText[j] - j) / (float)n;    // text before the next end-of-text (n - j: none in the block)
                eotRun = eot ? eotRun + 1 : 0;
            }
            if (v.Masked[j])
            {
                maskedBefore++;
                minBefore = Math.Min(minBefore, v.Confidences[j]);
                sumBefore += v.Confidences[j];
                if (v.Confidences[j] < 0.5) unsureBefore++;
            }
            else
            {
                lastCommitted = j;
            }
        }
    }
}
