using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// The state of one <see cref="BlockDecoder.Decode"/> call: every row's tokens, length and NFE, and
/// the block loop (without a cache; with a prefix or dual cache). Each forward and its bookkeeping
/// run inside a dispose scope, so a long decode holds flat memory. The model family's
/// <see cref="SamplingConventions"/> decide the block-start step with a cache and the end-of-text rule;
/// the options arrive with their confidence and schedule resolved (<see cref="BlockDecoder.Decode"/>).
/// </summary>
internal sealed class DecodeRun
{
    private readonly DiffusionModel model;
    private readonly DecodeOptions options;
    private readonly ICommitPolicy policy;
    private readonly Action<StepTrace>? trace;
    private readonly TokenPredictor predictor;
    private readonly Func<int, bool>? dropped;
    private readonly EndOfTextPredictor? endOfText;
    private readonly DreamEndOfTextPredictor? firstEndOfText;
    private readonly SamplingConventions conventions;
    private readonly TimestepSchedule? timesteps;
    private readonly Row[] rows;
    private readonly int answerStart;
    private readonly long maskId;

    public DecodeRun(DiffusionModel model, IReadOnlyList<int[]> prompts, DecodeOptions options, ICommitPolicy policy,
        Action<StepTrace>? trace, TokenPredictor predictor, Func<int, bool>? dropped)
    {
        this.model = model;
        this.options = options;
        this.policy = policy;
        this.trace = trace;
        this.predictor = predictor;
        this.dropped = dropped;
        maskId = model.Config.MaskTokenId;
        conventions = SamplingConventions.For(model.Config.Family);
        if (options.Schedule == ScheduleKind.Timesteps) timesteps = new TimestepSchedule(options.StepsPerBlock);
        if (options.EndOfTextPrediction && conventions.FirstEndOfTextEnds)
        {
            if (options.EndOfTextRule != EndOfTextRule.Confident || options.EndOfTextConfidence != DecodeOptions.DefaultEndOfTextConfidence)
                throw new Learn2PdException("--eotp-rule and --eotp-confidence apply to LLaDA models; a Dream model ends its answers with the Learn2PD authors' Dream rule");
            firstEndOfText = new DreamEndOfTextPredictor(model.Config.EosTokenId);
        }
        else if (options.EndOfTextPrediction)
            endOfText = new EndOfTextPredictor(model.Config.EosTokenId, maskId, searchesWholeSequence: options.Cache == CacheKind.None,
                options.EndOfTextRule == EndOfTextRule.Confident ? options.EndOfTextConfidence : null);
        answerStart = prompts.Max(p => p.Length);
        int total = answerStart + options.GenLength;
        rows = new Row[prompts.Count];
        for (int r = 0; r < prompts.Count; r++)
        {
            // Left padding aligns every row's answer (and so the block boundaries); RoPE is relative,
            // so a shifted prompt attends the same way once its padding is masked out.
            int pad = answerStart - prompts[r].Length;
            var tokens = new long[total];
            Array.Fill(tokens, model.Config.PadTokenId, 0, pad);
            for (int i = 0; i < prompts[r].Length; i++) tokens[pad + i] = prompts[r][i];
            Array.Fill(tokens, maskId, answerStart, options.GenLength);
            rows[r] = new Row(r, tokens, pad, options.DreamQuirks.EarlierMasksStayCandidates ? options.GenLength : options.BlockLength);
        }
    }

    public int Forwards { get; private set; }

    public IReadOnlyList<RowResult> Results() =>
        rows.Select(r => new RowResult(r.Tokens[answerStart..r.Length], r.Nfe)).ToArray();

    public void DecodeBlock(int block, CancellationToken cancel)
    {
        int start = answerStart + block * options.BlockLength;
        foreach (var row in rows)
        {
            row.Schedule = timesteps is null ? TransferSchedule.Compute(MaskedCount(row, start), options.StepsPerBlock) : [];
            row.BlockSpent = false;
        }
        if (options.Cache == CacheKind.None) DecodeWithoutCache(block, start, cancel);
        else DecodeWithCache(block, start, cancel);
    }

    private int MaskedCount(Row row, int start)
    {
        int end = Math.Min(start + options.BlockLength, row.Length), masked = 0;
        for (int p = start; p < end; p++) if (row.Tokens[p] == maskId) masked++;
        return masked;
    }

    private static int MaxLength(Row[] batch) => batch.Max(r => r.Length);

    /// <summary>Whether a row takes step <paramref name="step"/> of the block: while it has masks there (or planned steps left, Dream's way), unless its schedule was spent.</summary>
    private bool TakesStep(Row row, int start, int step) =>
        !row.BlockSpent && (MaskedCount(row, start) > 0 || (options.DreamQuirks.EveryPlannedStep && step < options.StepsPerBlock));

    /// <summary>A dropped row ends at its answer start: it steps no more, and no later forward computes it.</summary>
    private void DropRows()
    {
        if (dropped is null) return;
        foreach (var row in rows)
        {
            if (row.Length > answerStart && dropped(row.Index)) row.Length = answerStart;
        }
    }

    /// <summary>LLaDA / Fast-dLLM / Learn2PD without a cache: full forwards until the block has no masks.</summary>
    private void DecodeWithoutCache(int block, int start, CancellationToken cancel)
    {
        for (int step = 0; ; step++)
        {
            cancel.ThrowIfCancellationRequested();
            DropRows();
            var stepping = rows.Where(r => start < r.Length && TakesStep(r, start, step)).ToArray();
            if (stepping.Length == 0) return;
            // Only the stepping rows are computed: a row done with this block, cut or dropped costs nothing.
            foreach (var group in LengthGroups(stepping))
            {
                using var scope = NewDisposeScope();
                int length = MaxLength(group);
                int windowEnd = WindowEnd(start, length);
                var logits = Forward(group, null, 0, length, KeyMask(group, length, r => r.Length));
                int from = options.DreamQuirks.EarlierMasksStayCandidates ? answerStart : start;
                Step(block, step, group, logits.narrow(1, from, windowEnd - from), from);
            }
        }
    }

    /// <summary>A CPU forward's fixed cost, in the tokens it could compute instead (~1 ms against ~40 µs a token, measured on the embedded model).</summary>
    internal const int CpuForwardCostInTokens = 32;

    /// <summary>
    /// The stepping rows in forwards of similar lengths. A forward pads every row to its longest, and on a
    /// CPU compute grows with tokens, so rows that end-of-text prediction cut at very different lengths
    /// are cheaper apart. On an accelerator a few more padded tokens cost next to nothing: one forward.
    /// </summary>
    private List<Row[]> LengthGroups(Row[] stepping) =>
        stepping.Length == 1 || model.Device.type != TorchSharp.DeviceType.CPU
            ? [stepping]
            : GroupByLength(stepping.Select(r => r.Length).ToArray(), CpuForwardCostInTokens).Select(g => g.Select(i => stepping[i]).ToArray()).ToList();

    /// <summary>
    /// Indices of <paramref name="lengths"/> in groups, contiguous by length, that minimise the padded
    /// tokens (each group padded to its longest) plus <paramref name="forwardCost"/> per group.
    /// </summary>
    internal static List<int[]> GroupByLength(int[] lengths, int forwardCost)
    {
        var sorted = Enumerable.Range(0, lengths.Length).OrderBy(i => lengths[i]).ToArray();
        var cost = new long[sorted.Length + 1];
        var from = new int[sorted.Length + 1];
        for (int j = 1; j <= sorted.Length; j++)
        {
            cost[j] = long.MaxValue;
            for (int i = 0; i < j; i++)
            {
                long c = cost[i] + (long)(j - i) * lengths[sorted[j - 1]] + forwardCost;
                if (c < cost[j]) (cost[j], from[j]) = (c, i);
            }
        }
        var groups = new List<int[]>();
        for (int j = sorted.Length; j > 0; j = from[j]) groups.Insert(0, sorted[from[j]..j]);
        return groups;
    }

    /// <summary>
    /// Fast-dLLM's caches: one full forward at the block start (its logits serve step 0) that
    /// records K/V; later steps feed the block and everything after it (prefix) or only the block,
    /// overwriting its cache rows and attending to the rest as recorded (dual).
    /// </summary>
    private void DecodeWithCache(int block, int start, CancellationToken cancel)
    {
        DropRows();
        var active = rows.Where(r => start < r.Length).ToArray();
        if (active.Length == 0) return; // Learn2PD: a block past the end of the sequence costs nothing

        // The cache holds the rows active at the block start; rows that ended before it cost nothing.
        using var cache = new KvCache(options.Cache, model.Config.NLayers);
        int cachedLength = MaxLength(active);
        foreach (var row in active) row.CachedLength = row.Length;
        using (NewDisposeScope())
        {
            var logits = Forward(active, cache, 0, cachedLength, KeyMask(active, cachedLength, r => r.Length));
            Step(block, 0, active, logits.narrow(1, start, WindowEnd(start, cachedLength) - start), start);
        }

        bool forceStep = options.Refinement == RefinementLoop.DoWhile;
        for (int step = 1; ; step++)
        {
            cancel.ThrowIfCancellationRequested();
            DropRows();
            var stepping = active.Where(r => (forceStep && start < r.Length) || TakesStep(r, start, step)).ToArray();
            forceStep = false;
            if (stepping.Length == 0) return;
            using var scope = NewDisposeScope();
            // Only the stepping rows are computed, on their rows of the cache.
            cache.SelectRows(stepping.Length == active.Length ? null : stepping.Select(r => (long)Array.IndexOf(active, r)).ToArray(), model.Device);
            int length = MaxLength(stepping);
            int blockEnd = Math.Min(start + options.BlockLength, length);
            // A dual cache attends to every recorded row, up to each row's length at the block start
            // (the reference), or only up to its current length once end-of-text cut it (trimmed).
            Func<Row, int> attended = options.TrimCacheAtCut ? r => r.Length : r => r.CachedLength;
            Tensor logits = options.Cache == CacheKind.Prefix
                ? Forward(stepping, cache, start, length, KeyMask(stepping, length, r => r.Length))
                : Forward(stepping, cache, start, blockEnd, KeyMask(stepping, cachedLength, attended));
            Step(block, step, stepping, logits.narrow(1, 0, blockEnd - start), start);
        }
    }

    private int WindowEnd(int start, int length) =>
        endOfText?.WindowEnd(start, options.BlockLength, length) ?? Math.Min(start + options.BlockLength, length);

    /// <summary>One forward's predictions, then policy, end-of-text prediction and commit for each stepping row.</summary>
    /// <param name="window">Logits [B, W, V] from the block start onwards, one batch row per stepping row.</param>
    /// <param name="from">Absolute position of the window's first logits.</param>
    private void Step(int block, int step, Row[] stepping, Tensor window, int from)
    {
        int blockEnd = answerStart + (block + 1) * options.BlockLength;
        var predicted = predictor.Predict(window, blockEnd - from);
        Forwards++;
        int width = (int)window.shape[1];
        for (int i = 0; i < stepping.Length; i++) StepRow(stepping[i], block, step, predicted, i, width, from);
    }

    /// <summary>
    /// Where a row's candidates begin: the block start, or, reproducing the authors' Dream sampler without
    /// a cache, the first mask an earlier block left in the answer.
    /// </summary>
    private int CandidatesFrom(Row row, int start)
    {
        if (!options.DreamQuirks.EarlierMasksStayCandidates || options.Cache != CacheKind.None) return start;
        int first = Array.IndexOf(row.Tokens, maskId, answerStart, start - answerStart);
        return first < 0 ? start : first;
    }

    /// <summary>
    /// One model call over positions [from, to) of the given rows (doubled for classifier-free guidance);
    /// returns logits [B, to - from, V].
    /// </summary>
    private Tensor Forward(Row[] batch, KvCache? cache, int from, int to, Tensor? keyMask)
    {
        bool guided = options.CfgScale > 0;
        int width = to - from, size = batch.Length * (guided ? 2 : 1);
        var ids = new long[size * width];
        for (int r = 0; r < batch.Length; r++)
        {
            var row = batch[r];
            for (int i = 0; i < width; i++)
            {
                int p = from + i;
                long token = p < row.Length ? row.Tokens[p] : model.Config.PadTokenId;
                ids[r * width + i] = token;
                // The unconditional row sees the whole prompt (and its padding) as masks.
                if (guided) ids[(batch.Length + r) * width + i] = p < answerStart ? maskId : token;
            }
        }
        var input = tensor(ids, [size, width]).to(model.Device);
        if (guided && keyMask is not null) keyMask = cat([keyMask, keyMask], 0);
        var logits = cache is null ? model.Forward(input, keyMask) : model.Forward(input, from, cache, keyMask);
        if (!guided) return logits;
        var halves = logits.chunk(2, 0);
        return halves[1] + (options.CfgScale + 1) * (halves[0] - halves[1]);
    }

    /// <summary>[B, T] true where a key is a real token of the row, or null when every key is.</summary>
    private Tensor? KeyMask(Row[] batch, int length, Func<Row, int> validLength)
    {
        if (batch.All(r => r.Pad == 0 && validLength(r) >= length)) return null;
        var mask = new bool[batch.Length * length];
        for (int r = 0; r < batch.Length; r++)
        {
            int end = Math.Min(validLength(batch[r]), length);
            for (int p = batch[r].Pad; p < end; p++) mask[r * length + p] = true;
        }
        return tensor(mask, [batch.Length, length]).to(model.Device);
    }

    /// <summary>Policy, end-of-text prediction and commit for one row, row <paramref name="batchRow"/> of the predictions (whose first position is <paramref name="from"/>).</summary>
    private void StepRow(Row row, int block, int step, TokenPredictor.Window predicted, int batchRow, int width, int from)
    {
        int blockStart = answerStart + block * options.BlockLength;
        // The step's positions: the block's, preceded by any earlier masks that stay candidates.
        int start = CandidatesFrom(row, blockStart), skipped = start - from;
        int offset = batchRow * width + skipped;
        int n = Math.Min(blockStart + options.BlockLength, row.Length) - start;
        var predictions = predicted.Predictions.AsSpan(offset, width - skipped);
        var confidences = predicted.Confidences.AsSpan(offset, width - skipped);
        // Dream's block samplers number a block's steps as schedule steps (see DreamSamplerQuirks.ScheduleFromStepOne).
        int index = step + (options.DreamQuirks.ScheduleFromStepOne && options.Cache == CacheKind.None ? 1 : 0);
        if (timesteps is not null && options.DreamQuirks.StopWhenScheduleSpent && index >= timesteps.Steps)
        {
            // The reference breaks out of the block after this forward: it counts, and commits nothing.
            row.Nfe++;
            row.BlockSpent = true;
            return;
        }
        var s = row.Step;
        s.Row = row.Index;
        s.BlockIndex = block;
        s.Step = step;
        s.BlockStart = start;
        s.AnswerOffset = start - answerStart;
        s.BlockOffset = blockStart - start;
        s.Length = n;
        s.EndOfText = model.Config.EosTokenId;
        s.Mask = maskId;
        for (int j = 0; j < n; j++)
        {
            // A prediction's stability counts the earlier steps of this block that predicted the same token.
            s.Stable[j] = step > 0 && s.Predictions[j] == predictions[j] ? s.Stable[j] + 1 : 0;
            s.Tokens[j] = row.Tokens[start + j];
            s.Masked[j] = s.Tokens[j] == maskId;
        }
        predictions[..n].CopyTo(s.Predictions);
        confidences[..n].CopyTo(s.Confidences);
        if (options.Confidence == ConfidenceKind.SigmoidNegativeEntropy)
        {
            // The Learn2PD authors' Dream sampler has no confidence at committed positions: σ(−∞) = 0.
            for (int j = 0; j < n; j++) if (!s.Masked[j]) s.Confidences[j] = 0;
        }
        int masked = s.MaskedCount();
        s.ScheduledCount = timesteps?.Count(index, masked) ?? (index < row.Schedule.Length ? row.Schedule[index] : 0);
        s.ScheduledFraction = timesteps?.Fraction(index) ?? (masked > 0 ? s.ScheduledCount / (float)masked : 0);
        int distributionOffset = batchRow * predicted.DistributionWidth + skipped;
        predicted.SecondConfidences?.AsSpan(distributionOffset, n).CopyTo(s.SecondConfidences);
        predicted.Entropies?.AsSpan(distributionOffset, n).CopyTo(s.Entropies);
        s.ResetOutputs();
        // With a cache, Dream's block-start forward only settles the block's first position (no later forward over the block can).
        bool settlesFirst = step == 0 && options.Cache != CacheKind.None && conventions.BlockStartCommitsFirstPosition;
        if (settlesFirst) s.Commit[0] = s.Masked[0];
        else policy.Select(s);
        row.Nfe++;

        // LLaDA's EoTP reads the tokens as they were before this step's commit; the Dream authors' reads them after it.
        int? cut = settlesFirst ? null : endOfText?.FindCut(s, row.Tokens.AsSpan(start, row.Length - start), predictions, confidences);
        for (int j = 0; j < n; j++)
        {
            if (s.Commit[j]) row.Tokens[start + j] = s.CommitTokens[j];
        }
        if (!settlesFirst && firstEndOfText is not null) cut = firstEndOfText.FindCut(s, row.Tokens.AsSpan(answerStart, row.Length - answerStart), answerStart);
        if (cut is int c) row.Length = c;

        trace?.Invoke(new StepTrace(row.Index, block, step, start, start - answerStart,
            s.Predictions[..n], s.Confidences[..n], s.Masked[..n], s.Commit[..n], s.CommitTokens[..n], cut)
        {
            SecondConfidences = predicted.SecondConfidences is null ? null : s.SecondConfidences[..n],
            Entropies = predicted.Entropies is null ? null : s.Entropies[..n],
            Stable = s.Stable[..n],
        });
    }

    private sealed class Row(int index, long[] tokens, int pad, int stepCapacity)
    {
        public int Index { get; } = index;
        public long[] Tokens { get; } = tokens;
        public int Pad { get; } = pad;
        public int Length { get; set; } = tokens.Length;
        /// <summary>Length when the current block's cache was recorded: the reference's dual cache attends to all of it.</summary>
        public int CachedLength { get; set; } = tokens.Length;
        public int Nfe { get; set; }
        /// <summary>LLaDA's per-step counts for the current block (empty under Dream's timesteps, which follow the remaining masks).</summary>
        public int[] Schedule { get; set; } = [];
        /// <summary>Dream's reference left the current block after its schedule ran out (<see cref="DreamSamplerQuirks.StopWhenScheduleSpent"/>).</summary>
        public bool BlockSpent { get; set; }
        public BlockStep Step { get; } = new(stepCapacity);
    }
}
