using static TorchSharp.torch;

namespace Learn2PD.Train.ModelTraining;

/// <summary>
/// Draws training batches whose answers are padded with end-of-text to a generation length that
/// varies from batch to batch: mostly just past the longest answer (cheap, dense signal), and a
/// fraction up to the longest length served at decode time, so the model learns to fill long tails
/// with end-of-text (the padding EoTP skips). A share of "tight" batches holds problems of one
/// prompt + answer length with a tail of only 0..tightSlack end-of-text tokens: the canvas an EoTP cut
/// leaves, which ends right after the answer. Each batch holds about the same number of tokens.
/// </summary>
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
    private readonly Dictionary<int, List<TrainingExample>> byLength;
    private readonly Random random;

    public DiffusionBatchSampler(IReadOnlyList<TrainingExample> examples, int eosTokenId, int tokensPerBatch,
        int shortSlack, int longMax, double longFraction, int seed, double tightFraction = 0, int tightSlack = 8)
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
        byLength = examples.GroupBy(e => e.PromptIds.Length + e.AnswerIds.Length).ToDictionary(g => g.Key, g => g.ToList());
        random = new Random(seed);
        MaxAnswerLength = examples.Max(e => e.AnswerIds.Length);
        MaxPromptLength = examples.Max(e => e.PromptIds.Length);
    }

    public int MaxAnswerLength { get; }
    public int MaxPromptLength { get; }

    /// <summary>A batch: ids [B, T] and the answer mask [B, T] (true after each row's prompt), on the CPU.</summary>
    public (Tensor Ids, Tensor AnswerMask) Next()
    {
        // Drawn first and only when enabled, so runs without tight batches keep their exact data stream.
        if (tightFraction > 0 && random.NextDouble() < tightFraction) return NextTight();
        int minGen = MaxAnswerLength + 1;
        int genLength = random.NextDouble() < longFraction
            ? random.Next(minGen + shortSlack, Math.Max(minGen + shortSlack, longMax) + 1)
            : minGen + random.Next(0, shortSlack + 1);
        int total = MaxPromptLength + genLength;
        int rows = Math.Max(1, tokensPerBatch / total);

        var ids = new long[rows * total];
        var answer = new bool[rows * total];
        // Rows share one length: a shorter prompt simply leaves a longer end-of-text tail.
        for (int r = 0; r < rows; r++) Fill(ids, answer, r * total, total, examples[random.Next(examples.Count)]);
        return (tensor(ids, [rows, total]), tensor(answer, [rows, total]));
    }

    /// <summary>Rows of one prompt + answer length, so every row ends with the same short tail.</summary>
    private (Tensor Ids, Tensor AnswerMask) NextTight()
    {
        var first = examples[random.Next(examples.Count)];
        int length = first.PromptIds.Length + first.AnswerIds.Length;
        var pool = byLength[length];
        int total = length + random.Next(0, tightSlack + 1);
        int rows = Math.Max(1, tokensPerBatch / total);
        var ids = new long[rows * total];
        var answer = new bool[rows * total];
        for (int r = 0; r < rows; r++) Fill(ids, answer, r * total, total, pool[random.Next(pool.Count)]);
        return (tensor(ids, [rows, total]), tensor(answer, [rows, total]));
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
}
