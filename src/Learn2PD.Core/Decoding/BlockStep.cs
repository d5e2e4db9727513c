namespace Learn2PD.Core.Decoding;

/// <summary>
/// One decode step of one row inside its current block, as a <see cref="ICommitPolicy"/> sees it.
/// Inputs cover the block's n positions (n &lt; BlockLength after an end-of-text cut); the policy fills
/// <see cref="Commit"/>, may mark <see cref="Accepted"/> (its own criterion, before any top-k
/// fallback: what EoTP's "accepted end-of-text" rule reads) and may override <see cref="CommitTokens"/>.
/// The decoder reuses one instance per row, so policies must not keep references to its arrays.
/// </summary>
public sealed class BlockStep
{
    internal BlockStep(int capacity)
    {
        Predictions = new long[capacity];
        Confidences = new double[capacity];
        Masked = new bool[capacity];
        Tokens = new long[capacity];
        SecondConfidences = new double[capacity];
        Entropies = new double[capacity];
        Stable = new int[capacity];
        Commit = new bool[capacity];
        Accepted = new bool[capacity];
        CommitTokens = new long[capacity];
    }

    public int Row { get; internal set; }
    public int BlockIndex { get; internal set; }
    /// <summary>Step index within the block (0 = the block's first forward).</summary>
    public int Step { get; internal set; }
    /// <summary>Absolute position of the block's first token in the sequence.</summary>
    public int BlockStart { get; internal set; }
    /// <summary>Position of the block's first token within the answer (0 = first generated token).</summary>
    public int AnswerOffset { get; internal set; }
    /// <summary>Positions of the step still inside the sequence (the block's, after <see cref="BlockOffset"/> earlier ones).</summary>
    public int Length { get; internal set; }
    /// <summary>
    /// How many of the step's positions precede the block: masks an earlier block left, which the authors'
    /// Dream sampler keeps as candidates (<see cref="DreamSamplerQuirks.EarlierMasksStayCandidates"/>); 0 otherwise.
    /// <see cref="BlockStart"/> and <see cref="AnswerOffset"/> then name the first of them.
    /// </summary>
    public int BlockOffset { get; internal set; }
    /// <summary>The model's end-of-text id (what end-of-text prediction and feature-reading filters look for).</summary>
    public long EndOfText { get; internal set; }
    /// <summary>The model's mask id.</summary>
    public long Mask { get; internal set; }
    /// <summary>k of the block's schedule for this step (LLaDA's: 0 once exhausted; Dream's: every remaining mask from its last step on).</summary>
    public int ScheduledCount { get; internal set; }
    /// <summary>The share of the masked positions the schedule commits this step (Dream's <c>1 − s/t</c>; what its <c>origin</c> sampler draws against).</summary>
    public float ScheduledFraction { get; internal set; }

    /// <summary>Predicted token (x0) at each block position, committed positions included.</summary>
    public long[] Predictions { get; }
    /// <summary>Confidence of each prediction (softmax probability of x0, or random), committed positions included.</summary>
    public double[] Confidences { get; }
    /// <summary>True where the block position is still masked.</summary>
    public bool[] Masked { get; }
    /// <summary>The canvas before the step: the committed token at each block position, <see cref="Mask"/> where masked.</summary>
    public long[] Tokens { get; }
    /// <summary>Probability of the runner-up token (0 unless the policy asked for distribution features).</summary>
    public double[] SecondConfidences { get; }
    /// <summary>Entropy of the predictive distribution in nats (0 unless the policy asked for distribution features).</summary>
    public double[] Entropies { get; }
    /// <summary>How many steps in a row, before this one and within this block, predicted the same token at the position.</summary>
    public int[] Stable { get; }

    public bool[] Commit { get; }
    public bool[] Accepted { get; }
    public long[] CommitTokens { get; }

    internal void ResetOutputs()
    {
        Array.Clear(Commit, 0, Length);
        Array.Clear(Accepted, 0, Length);
        Array.Copy(Predictions, CommitTokens, Length);
    }

    /// <summary>
    /// ORs the k most confident masked positions into <see cref="Commit"/> (ties: lower position first),
    /// chosen independently of what is already marked, as the reference ORs its top-k.
    /// </summary>
    public void CommitTopK(int k)
    {
        // The reference's torch.topk can pick -inf entries when k exceeds the masked count and then
        // commit tokens outside the block; selecting at most every masked position avoids that.
        Span<bool> chosen = stackalloc bool[Length];
        for (int picked = 0; picked < k; picked++)
        {
            int best = -1;
            for (int j = 0; j < Length; j++)
            {
                if (!Masked[j] || chosen[j]) continue;
                if (best < 0 || Confidences[j] > Confidences[best]) best = j;
            }
            if (best < 0) return;
            chosen[best] = true;
            Commit[best] = true;
        }
    }

    /// <summary>The block's own positions as a step of their own (what a filter trained on blocks reads), or this step when it has no earlier ones.</summary>
    public BlockStep BlockOnly()
    {
        if (BlockOffset == 0) return this;
        int n = Length - BlockOffset;
        var block = new BlockStep(n)
        {
            Row = Row, BlockIndex = BlockIndex, Step = Step, BlockStart = BlockStart + BlockOffset, AnswerOffset = AnswerOffset + BlockOffset,
            Length = n, EndOfText = EndOfText, Mask = Mask, ScheduledCount = ScheduledCount, ScheduledFraction = ScheduledFraction,
        };
        Predictions.AsSpan(BlockOffset, n).CopyTo(block.Predictions);
        Confidences.AsSpan(BlockOffset, n).CopyTo(block.Confidences);
        Masked.AsSpan(BlockOffset, n).CopyTo(block.Masked);
        Tokens.AsSpan(BlockOffset, n).CopyTo(block.Tokens);
        SecondConfidences.AsSpan(BlockOffset, n).CopyTo(block.SecondConfidences);
        Entropies.AsSpan(BlockOffset, n).CopyTo(block.Entropies);
        Stable.AsSpan(BlockOffset, n).CopyTo(block.Stable);
        return block;
    }

    /// <summary>Whether the policy has accepted any position of the step.</summary>
    public bool AnyAccepted() => Array.IndexOf(Accepted, true, 0, Length) >= 0;

    /// <summary>Number of masked block positions.</summary>
    public int MaskedCount()
    {
        int count = 0;
        for (int j = 0; j < Length; j++) if (Masked[j]) count++;
        return count;
    }
}
