using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Core.Runtime;

namespace Learn2PD.Eval;

/// <summary>What an eval run produced: the per-method rows, AUP per length, and the report it wrote.</summary>
public sealed record EvalOutcome(IReadOnlyList<MethodResult> Results, IReadOnlyList<AupResult> Aups, IReadOnlyList<FamilyFrontier> Frontiers,
    string Markdown, string MetricName);

/// <summary>
/// <c>l2pd eval</c>'s pipeline: checks the request against the model and data before any decode, resumes
/// what <c>DIR/samples.jsonl</c> already holds, decodes the rest (every method, length and sample, batch 1),
/// and writes <c>results.md</c> and <c>results.json</c>. Progress and notes go to the given sinks.
/// </summary>
public static class EvalPipeline
{
    public static EvalOutcome Run(EvalRequest request, IWorkProgress progress, TextWriter log, CancellationToken cancel = default)
    {
        string modelDir = request.ModelDirectory;
        if (request.EmbeddedModel && !Directory.Exists(modelDir))
            throw new Learn2PdException($"the embedded model is missing from {modelDir}; pass --model DIR or rebuild l2pd");
        string filterPath = request.FilterFile;
        var methods = Expand(request, filterPath);
        bool needsFilter = methods.Any(m => m.NeedsFilter);
        if (needsFilter && !File.Exists(filterPath))
        {
            string what = request.FilterPath is not null ? "filter file" : request.EmbeddedModel ? "embedded filter" : "model directory's filter";
            throw new Learn2PdException($"{filterPath}: {what} not found; train one with `l2pd train-filter`, pass --filter FILE, " +
                "or leave out the l2p methods with --methods");
        }
        if (request.FilterPath is not null && !needsFilter)
            throw new Learn2PdException("--filter: no method of this run uses a filter (add an l2p method to --methods)");
        if (request.AcceptThreshold is not null && !needsFilter)
            throw new Learn2PdException("--accept-threshold: no method of this run uses a filter (add an l2p method to --methods)");

        var device = TorchRuntime.ParseDevice(request.Device);
        var dtype = TorchRuntime.ParseDType(request.DType, device);
        var loaded = PretrainedModel.Load(modelDir, dtype, device, requireTokenizer: true);
        var tokenizer = loaded.Tokenizer!;
        LoadedFilter? filter = needsFilter ? FilterLoader.Load(filterPath, request.AcceptThreshold, request.BlockLength) : null;

        var samples = EvalData.Load(request.Data, tokenizer, request.Lengths.Max(l => l.Limit));
        var lengths = request.Lengths.Select(l => l with { Limit = Math.Min(l.Limit, samples.Count) }).ToArray();
        int longestPrompt = samples.Max(x => x.PromptIds.Length), longestGen = lengths.Max(l => l.GenLength);
        if (longestPrompt + longestGen > loaded.Model.Config.MaxSequenceLength)
            throw new Learn2PdException($"the longest prompt ({longestPrompt} tokens) + --gen-length {longestGen} " +
                $"exceeds the model's maximum length {loaded.Model.Config.MaxSequenceLength}");

        var settings = new EvalSettings
        {
            Model = Path.GetFullPath(modelDir),
            ModelFingerprint = ModelFingerprint.Compute(modelDir),
            // Recorded whenever the filter exists, so a later run that adds l2p methods resumes this one.
            Filter = File.Exists(filterPath) ? Path.GetFullPath(filterPath) : null,
            FilterFingerprint = File.Exists(filterPath) ? ModelFingerprint.OfFile(filterPath) : null,
            AcceptThreshold = File.Exists(filterPath) ? FilterLoader.AcceptThresholdFor(filterPath, request.AcceptThreshold) : null,
            Data = request.Data.Source,
            DataFingerprint = request.Data.DataPath is { } data ? ModelFingerprint.OfFile(data) : null,
            Shots = request.Data.Shots,
            FewShotData = request.Data.FewShotPath is { } f ? Path.GetFullPath(f) : null,
            ChatTemplate = new Core.Text.PromptEncoder(tokenizer, request.Data.Chat).UsesChatTemplate,
            BlockLength = request.BlockLength,
            EndOfTextRule = request.EndOfTextRule.ToString().ToLowerInvariant(),
            EndOfTextConfidence = request.EndOfTextRule == EndOfTextRule.Confident ? request.EndOfTextConfidence : null,
            Seed = request.Seed,
            Device = request.Device.Trim().ToLowerInvariant(),
            DType = request.DType.Trim().ToLowerInvariant(),
            Shard = request.Shard?.ToString(),
        };
        using var store = ResultStore.Open(request.OutDirectory, settings, request.Fresh);
        if (store.DroppedForFilter > 0)
            log.WriteLine($"{store.Path}: the filter changed since it was written; dropped its {store.DroppedForFilter} results of filter methods, kept the others");
        int pending = EvalRunner.CountPending(store, lengths, methods, samples, request.Shard);
        int total = EvalRunner.Plan(lengths, methods, samples, request.Shard).Count();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} samples from {request.Data.Source}; methods {string.Join(", ", methods.Select(m => m.Id))}; " +
            $"{string.Join(", ", lengths.Select(l => $"gen {l.GenLength} × {l.Limit}"))}{(filter is null ? "" : $"; τ_f {filter.AcceptThreshold}")}; " +
            $"{(request.Shard is { } shard ? $"shard {shard}; " : "")}{total - pending} of {total} decodes already in {store.Path}"));

        if (pending > 0)
        {
            var runner = new EvalRunner(new BlockDecoder(loaded.Model), tokenizer, filter, request.BlockLength, request.Seed,
                request.EndOfTextRule, request.EndOfTextConfidence);
            var clock = Stopwatch.StartNew();
            try
            {
                progress.Run("eval", pending, bar =>
                {
                    runner.Run(store, lengths, methods, samples,
                        r => bar.Advance(1, $"gen {r.GenLength} {r.Method} #{r.Index} nfe {r.Nfe}"), cancel, request.Shard);
                    return 0;
                });
            }
            catch (OperationCanceledException)
            {
                log.WriteLine($"{store.Records.Count()} records kept in {store.Path}; rerun the same command to resume");
                throw;
            }
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pending} decodes in {clock.Elapsed.TotalSeconds:F0} s"));
        }

        return Report(request.OutDirectory, settings, store.Records, methods, lengths, request.Metric, request.Threads, request.CommandLine);
    }

    /// <summary>
    /// <c>l2pd eval merge</c>: the shards of one sharded run (same settings, <c>--shard 0/N</c> … <c>N-1/N</c>)
    /// as one run's samples.jsonl, results.md and results.json.
    /// </summary>
    public static EvalOutcome Merge(IReadOnlyList<string> shardDirectories, string outDirectory, TextWriter log)
    {
        if (shardDirectories.Count == 0) throw new Learn2PdException("eval merge needs the shard directories to merge");
        var shards = shardDirectories.Select(dir =>
        {
            var (settings, records) = ResultStore.Read(Path.Combine(dir, ResultStore.FileName));
            var run = EvalReport.ReadRunSettings(Path.Combine(dir, EvalReport.JsonFile));
            return (Dir: dir, Settings: settings, Records: records, Run: run);
        }).ToArray();
        var first = shards[0];
        foreach (var shard in shards.Skip(1))
        {
            var differences = (shard.Settings with { Shard = null }).Differences(first.Settings with { Shard = null });
            if (differences.Count > 0)
                throw new Learn2PdException($"{shard.Dir} was run with other settings than {first.Dir} ({string.Join("; ", differences)})");
            if (shard.Run != first.Run)
                throw new Learn2PdException($"{shard.Dir} ran other methods, lengths, limits or metric than {first.Dir}");
        }
        var parts = shards.Select(x => x.Settings.Shard is { } text ? Shard.Parse(text, $"{x.Dir}: shard") : Shard.Whole).ToArray();
        int count = parts[0].Count;
        if (parts.Any(p => p.Count != count) || parts.Select(p => p.Index).Order().SequenceEqual(Enumerable.Range(0, count)) is false)
            throw new Learn2PdException($"the directories hold shards {string.Join(", ", parts.Select(p => p.ToString()))}: give each of 0/{count} … {count - 1}/{count} exactly once");

        var methods = first.Run.Methods.Select(m => DecodingMethods.Parse(m)).ToArray();
        var lengths = first.Run.GenLengths.Zip(first.Run.Limits, (g, l) => new LengthPlan(g, l)).ToArray();
        var settingsMerged = first.Settings with { Shard = null };
        var records = shards.SelectMany(x => x.Records)
            .OrderBy(r => Array.FindIndex(lengths, l => l.GenLength == r.GenLength))
            .ThenBy(r => Array.FindIndex(methods, m => m.Id == r.Method)).ThenBy(r => r.Index).ToArray();
        using (var store = ResultStore.Open(outDirectory, settingsMerged, fresh: true))
        {
            foreach (var record in records) store.Append(record);
        }
        log.WriteLine($"merged {records.Length} records from {shards.Length} shards into {Path.Combine(outDirectory, ResultStore.FileName)}");
        return Report(outDirectory, settingsMerged, records, methods, lengths, first.Run.Metric, first.Run.Threads,
            "l2pd eval merge " + string.Join(' ', shardDirectories));
    }

    /// <summary>Summaries, AUP and frontiers of the records, written as results.md and results.json.</summary>
    private static EvalOutcome Report(string outDirectory, EvalSettings settings, IEnumerable<SampleRecord> records, IReadOnlyList<DecodingMethod> methods,
        IReadOnlyList<LengthPlan> lengths, EvalMetric metric, int threads, string commandLine)
    {
        var all = records.ToArray();
        var results = MethodResult.Summarize(all, methods, lengths, metric);
        var aups = AupResult.Compute(results);
        var frontiers = FamilyFrontier.Compute(results, m => m.Policy == PolicyKind.Threshold ? ThresholdPolicy.FastDllmThreshold : settings.AcceptThreshold, settings.BlockLength);
        var comparisons = FilterComparison.Compute(frontiers);
        string metricName = metric == EvalMetric.Strict ? "strict-match" : "flexible-extract";
        bool filtered = methods.Any(m => m.NeedsFilter);
        // Resumed records keep the timings of the run that made them; say so when that ran at other thread counts.
        var threadCounts = all.Select(r => r.Threads ?? threads).Append(threads).Distinct().Order().ToArray();
        string threadText = threadCounts.Length == 1 ? $"{threads} thread(s)"
            : $"{threads} thread(s), some timings resumed from runs at {string.Join(" and ", threadCounts.Where(t => t != threads))}";
        string caption = string.Create(CultureInfo.InvariantCulture,
            $"Model {Path.GetFileName(settings.Model.TrimEnd(Path.DirectorySeparatorChar))}, data {settings.Data}, {settings.Shots}-shot, " +
            $"block {settings.BlockLength}{(filtered ? $", τ_f {settings.AcceptThreshold}" : "")}, {settings.Device} {settings.DType}, {threadText}, batch 1" +
            $"{(settings.Shard is { } shard ? $", shard {shard}" : "")}.");
        string markdown = EvalReport.Markdown(results, aups, frontiers, comparisons, metricName, caption);
        var run = new EvalRunSettings(methods.Select(m => m.Id).ToArray(), lengths.Select(l => l.GenLength).ToArray(), lengths.Select(l => l.Limit).ToArray(), metric, threads);
        EvalReport.Write(outDirectory, markdown, EvalReport.Json(settings, run, results, aups, frontiers, comparisons,
            all.Where(r => lengths.Any(l => l.GenLength == r.GenLength && r.Index < l.Limit) && methods.Any(m => m.Id == r.Method)),
            commandLine));
        return new EvalOutcome(results, aups, frontiers, markdown, metricName);
    }

    /// <summary>
    /// The methods to run: those asked for, plus with a sweep every family at every grid point (τ for
    /// threshold families, the filter's τ_f grid for l2p ones) and the oracle, the limit every curve is read against.
    /// </summary>
    private static IReadOnlyList<DecodingMethod> Expand(EvalRequest request, string filterPath)
    {
        if (request.Sweep.Count == 0) return request.Methods;
        IReadOnlyList<double>? filterGrid = null;
        var swept = request.Sweep.SelectMany(family => family.Policy == PolicyKind.Threshold
            ? EvalRequest.ThresholdGrid.Select(t => family.At(t))
            : (filterGrid ??= FilterSidecar.SweepThresholdsFor(filterPath) ?? FilterSidecar.DefaultSweepThresholds).Select(t => family.At(t)));
        return EvalRequest.Ordered(request.Methods.Concat(swept).Append(DecodingMethods.Parse("oracle")).DistinctBy(m => m.Id));
    }
}
