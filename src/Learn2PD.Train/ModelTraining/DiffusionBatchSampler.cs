using static TorchSharp.torch;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// Draws training batches whose answers are padded with end-of-text to a generation length that
/// varies from batch to batch: mostly just past the longest answer (cheap, dense signal), and a
/// fraction up to the longest length served at decode time, so the model learns to fill long tails
/// with end-of-text (the padding EoTP skips). A share of "tight" batches holds problems of one
/// prompt + answer length with a tail of only 0..tightSlack end-of-text tokens: the canvas an EoTP cut
/// leaves, which ends right after the answer. Each batch holds about the same number of tokens.
/// A share of rows is laid out as block-by-block decoding sees them (<see cref="DiffusionBatch.Clean"/>,
/// <see cref="DiffusionBatch.Hidden"/>): the answer's blocks before one block are clean, that block is
/// noised as usual and everything after it is masked. Uniform noise alone almost never shows a fully
/// masked tail, yet every step of a semi-autoregressive decode has one, the longer the canvas the longer.
/// </summary>
/// <param name="Ids">[B, T] clean token ids.</param>
/// <param name="AnswerMask">[B, T] true after each row's prompt.</param>
/// <param name="Clean">[B, T] answer positions never masked (blocks a decode has finished).</param>
/// <param name="Hidden">[B, T] answer positions always masked (blocks a decode has not reached).</param>
public sealed record DiffusionBatch(Tensor Ids, Tensor AnswerMask, Tensor Clean, Tensor Hidden);

/// <summary>Draws <see cref="DiffusionBatch"/>es (see the record).</summary>
public sealed class DiffusionBatchSampler
{
    private readonly IReadOnlyList<TrainingExample> examples;
    private readonly int eosTokenId;
    private readonly int tokensPerBatch;
    private readonly int shortSlack;
    private readonly int longMax;
    private readonly double longFraction;
    private readonly double tightFraction;
    private readonly int tightSlack;
    private readonly double blockwiseFraction;
    private readonly int blockLength;
    private readonly bool groupByLength;
    private readonly Dictionary<int, List<TrainingExample>> byLength;
    private readonly Queue<(List<TrainingExample> Rows, int Total)> grouped = new(); // rows, not tensors: a step's dispose scope would free those
    private readonly List<TrainingExample> leftover = [];
    private readonly Random random;

    public DiffusionBatchSampler(IReadOnlyList<TrainingExample> examples, int eosTokenId, int tokensPerBatch,
        int shortSlack, int longMax, double longFraction, int seed, double tightFraction = 0, int tightSlack = 8,
        double blockwiseFraction = 0, int blockLength = 32, bool groupByLength = false)
    {
        if (examples.Count == 0) throw new ArgumentException("no training examples", nameof(examples));
        this.examples = examples;
        this.eosTokenId = eosTokenId;
        this.tokensPerBatch = tokensPerBatch;
        this.shortSlack = shortSlack;
        this.longMax = longMax;
        this.longFraction = longFraction;
        this.tightFraction = tightFraction;
        this.tightSlack = tightSlack;
        this.blockwiseFraction = blockwiseFraction;
        this.blockLength = blockLength;
        this.groupByLength = groupByLength;
        byLength = examples.GroupBy(Length).ToDictionary(g => g.Key, g => g.ToList());
        random = new Random(seed);
        MaxAnswerLength = examples.Max(e => e.AnswerIds.Length);
        MaxPromptLength = examples.Max(e => e.PromptIds.Length);
    }

    public int MaxAnswerLength { get; }
    public int MaxPromptLength { get; }

    /// <summary>The next batch, on the CPU.</summary>
    public DiffusionBatch Next()
    {
        // Drawn first and only when enabled, so runs without tight batches keep their exact data stream.
        if (tightFraction > 0 && random.NextDouble() < tightFraction) return NextTight();
        int minGen = MaxAnswerLength + 1;
        bool isLong = random.NextDouble() < longFraction;
        if (!isLong && groupByLength) return NextGrouped();
        int genLength = isLong ? LongGenLength(minGen + shortSlack) : minGen + random.Next(0, shortSlack + 1);
        int total = MaxPromptLength + genLength;
        // Rows share one length: a shorter prompt simply leaves a longer end-of-text tail.
        return Batch(total, Math.Max(1, tokensPerBatch / total), () => examples[random.Next(examples.Count)]);
    }

    /// <summary>
    /// Log-uniform between <paramref name="shortest"/> and the longest length: long canvases of every scale
    /// (gen 128 as often as gen 512 to 1,024), and the shorter ones pack more rows.
    /// </summary>
    private int LongGenLength(int shortest)
    {
        if (longMax <= shortest) return shortest;
        double log = Math.Log(shortest) + random.NextDouble() * (Math.Log(longMax) - Math.Log(shortest));
        return Math.Clamp((int)Math.Round(Math.Exp(log)), shortest, longMax);
    }

    /// <summary>
    /// A short batch of rows of neighbouring lengths, its canvas 0..shortSlack tokens past its own longest row
    /// rather than past the task's longest prompt and answer: about half the end-of-text of a padded short
    /// batch, so ~1.5× the answers for the same tokens. Examples are drawn uniformly into a pool of
    /// ~32 batches, sorted by length and cut greedily, so every example is as likely as before.
    /// </summary>
    private DiffusionBatch NextGrouped()
    {
        if (grouped.Count == 0) FillGrouped();
        var (rows, total) = grouped.Dequeue();
        int next = 0;
        return Batch(total, rows.Count, () => rows[next++]);
    }

    private void FillGrouped()
    {
        var pool = new List<TrainingExample>(leftover);
        leftover.Clear();
        int rowsPerBatch = Math.Max(1, tokensPerBatch / (MaxPromptLength + MaxAnswerLength));
        while (pool.Count < 32 * rowsPerBatch) pool.Add(examples[random.Next(examples.Count)]);
        pool.Sort((a, b) => Length(a).CompareTo(Length(b)));
        var batches = new List<(List<TrainingExample>, int)>();
        int start = 0;
        while (start < pool.Count)
        {
            int slack = random.Next(0, shortSlack + 1), end = start + 1;
            while (end < pool.Count && (end - start + 1) * (Length(pool[end]) + slack) <= tokensPerBatch) end++;
            if (end == pool.Count && batches.Count > 0) { leftover.AddRange(pool.Skip(start)); break; }
            batches.Add((pool.GetRange(start, end - start), Length(pool[end - 1]) + slack));
            start = end;
        }
        // Shuffled so that the steps do not walk from the shortest problems to the longest.
        foreach (var batch in batches.OrderBy(_ => random.Next())) grouped.Enqueue(batch);
    }

    /// <summary>Prompt + answer tokens: the shortest canvas that holds the row.</summary>
    private static int Length(TrainingExample e) => e.PromptIds.Length + e.AnswerIds.Length;

    /// <summary>Rows of one prompt + answer length, so every row ends with the same short tail.</summary>
    private DiffusionBatch NextTight()
    {
        var first = examples[random.Next(examples.Count)];
        int length = Length(first);
        var pool = byLength[length];
        int total = length + random.Next(0, tightSlack + 1);
        return Batch(total, Math.Max(1, tokensPerBatch / total), () => pool[random.Next(pool.Count)]);
    }

    private DiffusionBatch Batch(int total, int rows, Func<TrainingExample> draw)
    {
        var ids = new long[rows * total];
        var answer = new bool[rows * total];
        var clean = new bool[rows * total];
        var hidden = new bool[rows * total];
        for (int r = 0; r < rows; r++)
        {
            var e = draw();
            Fill(ids, answer, r * total, total, e);
            if (blockwiseFraction > 0 && random.NextDouble() < blockwiseFraction) LayOutBlockwise(clean, hidden, r * total, total, e);
        }
        return new DiffusionBatch(tensor(ids, [rows, total]), tensor(answer, [rows, total]), tensor(clean, [rows, total]), tensor(hidden, [rows, total]));
    }

    /// <summary>One row at <paramref name="offset"/>: prompt, answer, then end-of-text up to <paramref name="total"/>.</summary>
    private void Fill(long[] ids, bool[] answer, int offset, int total, TrainingExample e)
    {
        for (int i = 0; i < total; i++)
        {
            int answerPos = i - e.PromptIds.Length;
            ids[offset + i] = i < e.PromptIds.Length ? e.PromptIds[i]
                : answerPos < e.AnswerIds.Length ? e.AnswerIds[answerPos] : eosTokenId;
            answer[offset + i] = answerPos >= 0;
        }
    }

    /// <summary>
    /// The row as a decode sees it while on one block that holds part of the answer or its first
    /// end-of-text: the blocks before it clean, the blocks after it hidden.
    /// </summary>
    private void LayOutBlockwise(bool[] clean, bool[] hidden, int offset, int total, TrainingExample e)
    {
        int answerStart = e.PromptIds.Length;
        int block = random.Next(0, e.AnswerIds.Length / blockLength + 1);
        int from = answerStart + block * blockLength, to = Math.Min(total, from + blockLength);
        for (int i = answerStart; i < from && i < total; i++) clean[offset + i] = true;
        for (int i = to; i < total; i++) hidden[offset + i] = true;
    }
}
