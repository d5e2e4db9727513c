using Learn2PD.Core.Model;
using static TorchSharp.torch;

namespace Learn2PD.Core.Decoding;

/// <summary>
/// The state of one <see cref="BlockDecoder.Decode"/> call: every row's tokens, length and NFE, and
/// the two block loops (without a cache; with a prefix or dual cache). Each forward and its
/// bookkeeping run inside a dispose scope, so a long decode holds flat memory.
/// </summary>
internal sealed class DecodeRun
{
    private readonly LLaDAModelLM model;
    private readonly DecodeOptions options;
    private readonly ICommitPolicy policy;
    private readonly Action<StepTrace>? trace;
    private readonly TokenPredictor predictor;
    private readonly Row[] rows;
    private readonly int answerStart;
    private readonly long maskId;
    private readonly long endOfText;

    public DecodeRun(LLaDAModelLM model, IReadOnlyList<int[]> prompts, DecodeOptions options, ICommitPolicy policy,
        Action<StepTrace>? trace, TokenPredictor predictor)
    {
        this.model = model;
        this.options = options;
        this.policy = policy;
        this.trace = trace;
        this.predictor = predictor;
        maskId = model.Config.MaskTokenId;
        endOfText = model.Config.EosTokenId;
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
            rows[r] = new Row(r, tokens, pad, options.BlockLength, options.GenLength);
        }
    }

    public int Forwards { get; private set; }

    public IReadOnlyList<RowResult> Results() =>
        rows.Select(r => new RowResult(r.Tokens[answerStart..r.Length], r.Nfe)).ToArray();

    private int BlockStart(int block) => answerStart + block * options.BlockLength;

    private int MaxLength() => rows.Max(r => r.Length);

    private bool HasMasks(Row row, int block)
    {
        int start = BlockStart(block), end = Math.Min(start + options.BlockLength, row.Length);
        for (int p = start; p < end; p++) if (row.Tokens[p] == maskId) return true;
        return false;
    }

    private void BeginBlock(int block)
    {
        int start = BlockStart(block);
        foreach (var row in rows)
        {
            int end = Math.Min(start + options.BlockLength, row.Length), masked = 0;
            for (int p = start; p < end; p++) if (row.Tokens[p] == maskId) masked++;
            row.Schedule = TransferSchedule.Compute(masked, options.StepsPerBlock);
        }
    }

    /// <summary>LLaDA / Fast-dLLM / Learn2PD without a cache: full forwards until the block has no masks.</summary>
    public void DecodeBlockWithoutCache(int block, CancellationToken cancel)
    {
        BeginBlock(block);
        int start = BlockStart(block);
        for (int step = 0; ; step++)
        {
            cancel.ThrowIfCancellationRequested();
            var stepping = rows.Where(r => start < r.Length && HasMasks(r, block)).ToArray();
            if (stepping.Length == 0) return;
            using var scope = NewDisposeScope();
            int length = MaxLength();
            // EoTP without a cache searches every masked position after the block start.
            int windowEnd = options.EndOfTextPrediction ? length : Math.Min(start + options.BlockLength, length);
            var logits = Forward(CacheMode.None, null, 0, length, KeyMask(length, r => r.Length));
            var (predictions, confidences) = predictor.Predict(logits.narrow(1, start, windowEnd - start));
            Forwards++;
            foreach (var row in stepping) StepRow(row, block, step, predictions, confidences, windowEnd - start);
        }
    }

    /// <summary>
    /// Fast-dLLM's caches: one full forward at the block start (its logits serve step 0) that
    /// records K/V; later steps feed the block and everything after it (prefix) or only the block,
    /// overwriting its cache rows and attending to the rest as recorded (dual).
    /// </summary>
    public void DecodeBlockWithCache(int block, CancellationToken cancel)
    {
        BeginBlock(block);
        int start = BlockStart(block);
        var active = rows.Where(r => start < r.Length).ToArray();
        if (active.Length == 0) return; // Learn2PD: a block past the end of the sequence costs nothing

        using var cache = new KvCache(model.Config.NLayers);
        int cachedLength = MaxLength();
        foreach (var row in rows) row.CachedLength = row.Length;
        using (NewDisposeScope())
        {
            int windowEnd = Math.Min(start + options.BlockLength, cachedLength);
            var logits = Forward(CacheMode.Record, cache, 0, cachedLength, KeyMask(cachedLength, r => r.Length));
            var (predictions, confidences) = predictor.Predict(logits.narrow(1, start, windowEnd - start));
            Forwards++;
            foreach (var row in active) StepRow(row, block, 0, predictions, confidences, windowEnd - start);
        }

        bool forceStep = options.Refinement == RefinementLoop.DoWhile;
        for (int step = 1; ; step++)
        {
            cancel.ThrowIfCancellationRequested();
            var stepping = active.Where(r => (forceStep && start < r.Length) || HasMasks(r, block)).ToArray();
            forceStep = false;
            if (stepping.Length == 0) return;
            using var scope = NewDisposeScope();
            int length = MaxLength();
            int blockEnd = Math.Min(start + options.BlockLength, length);
            Tensor logits = options.Cache == CacheKind.Prefix
                ? Forward(CacheMode.Prefix, cache, start, length, KeyMask(length, r => r.Length))
                : Forward(CacheMode.Dual, cache, start, blockEnd, KeyMask(cachedLength, r => r.CachedLength));
            var (predictions, confidences) = predictor.Predict(logits.narrow(1, 0, blockEnd - start));
            Forwards++;
            foreach (var row in stepping) StepRow(row, block, step, predictions, confidences, blockEnd - start);
        }
    }

    /// <summary>
    /// One model call over positions [from, to) of every row (doubled for classifier-free guidance);
    /// returns logits [B, to - from, V].
    /// </summary>
    private Tensor Forward(CacheMode mode, KvCache? cache, int from, int to, Tensor? keyMask)
    {
        bool guided = options.CfgScale > 0;
        int width = to - from, batch = rows.Length * (guided ? 2 : 1);
        var ids = new long[batch * width];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            for (int i = 0; i < width; i++)
            {
                int p = from + i;
                long token = p < row.Length ? row.Tokens[p] : model.Config.PadTokenId;
                ids[r * width + i] = token;
                // The unconditional row sees the whole prompt (and its padding) as masks.
                if (guided) ids[(rows.Length + r) * width + i] = p < answerStart ? maskId : token;
            }
        }
        var input = tensor(ids, [batch, width]).to(model.Device);
        if (guided && keyMask is not null) keyMask = cat([keyMask, keyMask], 0);
        var logits = mode == CacheMode.None ? model.Forward(input, keyMask) : model.Forward(input, from, cache!, mode, keyMask);
        if (!guided) return logits;
        var halves = logits.chunk(2, 0);
        return halves[1] + (options.CfgScale + 1) * (halves[0] - halves[1]);
    }

    /// <summary>[B, T] true where a key is a real token of the row, or null when every key is.</summary>
    private Tensor? KeyMask(int length, Func<Row, int> validLength)
    {
        if (rows.All(r => r.Pad == 0 && validLength(r) >= length)) return null;
        var mask = new bool[rows.Length * length];
        for (int r = 0; r < rows.Length; r++)
        {
            int end = Math.Min(validLength(rows[r]), length);
            for (int p = rows[r].Pad; p < end; p++) mask[r * length + p] = true;
        }
        return tensor(mask, [rows.Length, length]).to(model.Device);
    }

    /// <summary>Policy, end-of-text prediction and commit for one row; predictions hold W per row.</summary>
    private void StepRow(Row row, int block, int step, long[] predictions, double[] confidences, int width)
    {
        int start = BlockStart(block), offset = row.Index * width;
        int n = Math.Min(start + options.BlockLength, row.Length) - start;
        var s = row.Step;
        s.Row = row.Index;
        s.BlockIndex = block;
        s.Step = step;
        s.BlockStart = start;
        s.AnswerOffset = start - answerStart;
        s.Length = n;
        s.ScheduledCount = step < row.Schedule.Length ? row.Schedule[step] : 0;
        Array.Copy(predictions, offset, s.Predictions, 0, n);
        Array.Copy(confidences, offset, s.Confidences, 0, n);
        for (int j = 0; j < n; j++) s.Masked[j] = row.Tokens[start + j] == maskId;
        s.ResetOutputs();
        policy.Select(s);
        row.Nfe++;

        int? cut = null;
        if (options.EndOfTextPrediction)
        {
            int searched = options.Cache == CacheKind.None ? Math.Min(width, row.Length - start) : n;
            for (int j = 0; j < searched; j++) row.WindowMasked[j] = row.Tokens[start + j] == maskId;
            int? relative = EndOfTextPredictor.FindCut(s, predictions.AsSpan(offset, searched),
                confidences.AsSpan(offset, searched), row.WindowMasked.AsSpan(0, searched), searched, endOfText);
            if (relative is int r && start + r < row.Length) cut = start + r;
        }
        for (int j = 0; j < n; j++)
        {
            if (s.Commit[j]) row.Tokens[start + j] = s.CommitTokens[j];
        }
        if (cut is int c) row.Length = c;

        trace?.Invoke(new StepTrace(row.Index, block, step, start, start - answerStart,
            s.Predictions[..n], s.Confidences[..n], s.Masked[..n], s.Commit[..n], s.CommitTokens[..n], cut));
    }

    private sealed class Row(int index, long[] tokens, int pad, int blockLength, int genLength)
    {
        public int Index { get; } = index;
        public long[] Tokens { get; } = tokens;
        public int Pad { get; } = pad;
        public int Length { get; set; } = tokens.Length;
        /// <summary>Length when the current block's cache was recorded: the dual cache attends to all of it.</summary>
        public int CachedLength { get; set; } = tokens.Length;
        public int Nfe { get; set; }
        public int[] Schedule { get; set; } = [];
        public BlockStep Step { get; } = new(blockLength);
        public bool[] WindowMasked { get; } = new bool[genLength];
    }
}
