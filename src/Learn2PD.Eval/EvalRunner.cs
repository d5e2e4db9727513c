using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Model;
using Learn2PD.Core.Text;
using Learn2PD.Train.Tasks;

namespace Learn2PD.Eval;

/// <summary>One generation length of the benchmark and how many samples it decodes.</summary>
public sealed record LengthPlan(int GenLength, int Limit);

/// <summary>
/// Decodes every (generation length, method, sample) the store does not hold yet, one sample at a
/// time (batch 1, as the papers time latency), scores it and appends its record. Lengths run in the
/// given order; within a length each sample runs every method in registry order (so its baseline exists
/// before its oracle run), so that a drift in the machine's speed over the run (this 2-core machine's
/// one-forward decodes measured 7 ms in one minute and 11 ms a few minutes later) touches the baseline
/// and the methods timed against it alike, rather than whichever method ran during the slow minutes.
/// </summary>
public sealed class EvalRunner
{
    private readonly BlockDecoder decoder;
    private readonly LLaDATokenizer tokenizer;
    private readonly LoadedFilter? filter;
    private readonly int blockLength;
    private readonly ulong seed;
    private readonly EndOfTextRule endOfTextRule;
    private readonly double endOfTextConfidence;

    public EvalRunner(BlockDecoder decoder, LLaDATokenizer tokenizer, LoadedFilter? filter, int blockLength, ulong seed,
        EndOfTextRule endOfTextRule = EndOfTextRule.Confident, double endOfTextConfidence = DecodeOptions.DefaultEndOfTextConfidence)
    {
        this.endOfTextRule = endOfTextRule;
        this.endOfTextConfidence = endOfTextConfidence;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.filter = filter;
        this.blockLength = blockLength;
        this.seed = seed;
    }

    /// <summary>The decodes the run consists of, in run order.</summary>
    /// <param name="shard">Which samples this process decodes (every N-th by index); null: all.</param>
    public static IEnumerable<(LengthPlan Length, DecodingMethod Method, EvalSample Sample)> Plan(
        IReadOnlyList<LengthPlan> lengths, IReadOnlyList<DecodingMethod> methods, IReadOnlyList<EvalSample> samples, Shard? shard = null) =>
        from length in lengths
        from sample in samples.Take(length.Limit)
        where shard?.Owns(sample.Index) ?? true
        from method in methods
        select (length, method, sample);

    /// <summary>
    /// How many decodes are still to do. Throws when a stored record belongs to a different prompt
    /// (the data changed since the stored run).
    /// </summary>
    public static int CountPending(ResultStore store, IReadOnlyList<LengthPlan> lengths, IReadOnlyList<DecodingMethod> methods,
        IReadOnlyList<EvalSample> samples, Shard? shard = null)
    {
        int pending = 0;
        foreach (var (length, method, sample) in Plan(lengths, methods, samples, shard))
        {
            if (store.Find(method.Id, length.GenLength, sample.Index) is not { } done) pending++;
            else if (done.PromptHash != sample.PromptHash)
                throw new Learn2PdException($"{store.Path}: sample {sample.Index} had another prompt in the stored run (the data changed); " +
                    "pass --fresh to start over, or choose another --out");
        }
        return pending;
    }

    /// <summary>
    /// Untimed decodes at one generation length, without and with a KV cache, committing a whole block
    /// per forward: libtorch's first calls at a new shape (allocator, kernels) are not charged to the
    /// method that happens to run first, and they cost only gen_length / block_length forwards each.
    /// With a filter, the same again through the filter policy and end-of-text prediction, so its first
    /// calls (the JIT of the filter and the distribution features, ~15 ms) are not charged to the first
    /// l2p sample either: a one-forward decode takes ~12 ms.
    /// </summary>
    public void WarmUp(EvalSample sample, int genLength, CancellationToken cancel)
    {
        var everything = new ThresholdPolicy(0);
        var filtered = filter is null ? null : new FilterPolicy(filter.Filter, 0);
        foreach (var cache in new[] { CacheKind.None, CacheKind.Dual })
        {
            var options = DecodeOptions.Baseline(genLength, blockLength) with { Cache = cache, Seed = seed };
            decoder.Decode([sample.PromptIds], options, everything, cancel: cancel);
            if (filtered is not null)
                decoder.Decode([sample.PromptIds], options with { EndOfTextPrediction = true }, filtered, cancel: cancel);
        }
    }

    public void Run(ResultStore store, IReadOnlyList<LengthPlan> lengths, IReadOnlyList<DecodingMethod> methods,
        IReadOnlyList<EvalSample> samples, Action<SampleRecord> finished, CancellationToken cancel, Shard? shard = null)
    {
        var warm = new HashSet<int>();
        foreach (var (length, method, sample) in Plan(lengths, methods, samples, shard))
        {
            cancel.ThrowIfCancellationRequested();
            if (store.Find(method.Id, length.GenLength, sample.Index) is not null) continue;
            if (warm.Add(length.GenLength)) WarmUp(samples[0], length.GenLength, cancel);
            var record = Decode(store, length.GenLength, method, sample, cancel);
            store.Append(record);
            finished(record);
        }
    }

    internal SampleRecord Decode(ResultStore store, int genLength, DecodingMethod method, EvalSample sample, CancellationToken cancel)
    {
        long endOfText = decoder.Model.Config.EosTokenId;
        long[]? reference = null;
        if (method.NeedsReference)
        {
            reference = store.Find(DecodingMethods.BaselineName, genLength, sample.Index)?.AnswerIds
                ?? throw new InvalidOperationException($"the {method.Id} run of sample {sample.Index} needs the baseline's answer first");
        }
        var policy = method.CreatePolicy(new PolicyInputs(filter, reference is null ? null : [reference], endOfText));
        // The oracle decodes only the blocks up to the reference's end of text (a perfect end-of-text prediction).
        int length = reference is null ? genLength : OraclePolicy.ReferenceLength(reference, endOfText, blockLength, genLength);
        var options = method.Configure(DecodeOptions.Baseline(length, blockLength) with
        {
            Seed = seed, EndOfTextRule = endOfTextRule, EndOfTextConfidence = endOfTextConfidence,
        });

        var result = decoder.Decode([sample.PromptIds], options, policy, cancel: cancel);

        var row = result.Rows[0];
        string text = tokenizer.Decode(row.AnswerIds.Select(id => (int)id), skipSpecialTokens: true);
        var score = SampleScore.Score(text, sample);
        return new SampleRecord
        {
            Method = method.Id,
            GenLength = genLength,
            Index = sample.Index,
            PromptHash = sample.PromptHash,
            Nfe = row.Nfe,
            LatencyMs = result.Elapsed.TotalMilliseconds,
            Threads = TorchSharp.torch.get_num_threads(),
            GeneratedTokens = row.AnswerIds.Length,
            TextTokens = row.AnswerIds.Count(id => id != endOfText),
            Reference = sample.Scoring == Scoring.Gsm ? GsmScorer.ReferenceAnswer(sample.Reference) : sample.Reference.Trim(),
            Text = text,
            Answer = score.Answer,
            Correct = score.Correct,
            FlexibleAnswer = score.FlexibleAnswer,
            FlexibleCorrect = score.FlexibleCorrect,
            AnswerIds = row.AnswerIds,
        };
    }
}
