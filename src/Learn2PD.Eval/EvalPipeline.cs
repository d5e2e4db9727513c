using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Learn2PD.Core;
using Learn2PD.Core.Checkpoints;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;

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
            FilterFingerprint = File.Exists(filterPath) ? EvalData.FileHash(filterPath) : null,
            AcceptThreshold = File.Exists(filterPath) ? FilterLoader.AcceptThresholdFor(filterPath, request.AcceptThreshold) : null,
            Data = request.Data.Source,
            DataFingerprint = request.Data.DataPath is { } data ? EvalData.FileHash(data) : null,
            Shots = request.Data.Shots,
            FewShotData = request.Data.FewShotPath is { } f ? Path.GetFullPath(f) : null,
            ChatTemplate = new Core.Text.PromptEncoder(tokenizer, request.Data.Chat).UsesChatTemplate,
            BlockLength = request.BlockLength,
            Seed = request.Seed,
            Device = request.Device.Trim().ToLowerInvariant(),
            DType = request.DType.Trim().ToLowerInvariant(),
        };
        using var store = ResultStore.Open(request.OutDirectory, settings, request.Fresh);
        int pending = EvalRunner.CountPending(store, lengths, methods, samples);
        int total = EvalRunner.Plan(lengths, methods, samples).Count();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} samples from {request.Data.Source}; methods {string.Join(", ", methods.Select(m => m.Id))}; " +
            $"{string.Join(", ", lengths.Select(l => $"gen {l.GenLength} × {l.Limit}"))}{(filter is null ? "" : $"; τ_f {filter.AcceptThreshold}")}; " +
            $"{total - pending} of {total} decodes already in {store.Path}"));

        if (pending > 0)
        {
            var runner = new EvalRunner(new BlockDecoder(loaded.Model), tokenizer, filter, request.BlockLength, request.Seed);
            var clock = Stopwatch.StartNew();
            try
            {
                progress.Run("eval", pending, bar =>
                {
                    runner.Run(store, lengths, methods, samples,
                        r => bar.Advance(1, $"gen {r.GenLength} {r.Method} #{r.Index} nfe {r.Nfe}"), cancel);
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

        var results = MethodResult.Summarize(store.Records, methods, lengths, request.Metric);
        var aups = AupResult.Compute(results);
        var frontiers = FamilyFrontier.Compute(results, m => m.Policy == PolicyKind.Threshold ? ThresholdPolicy.FastDllmThreshold : settings.AcceptThreshold);
        string metricName = request.Metric == EvalMetric.Strict ? "strict-match" : "flexible-extract";
        string caption = string.Create(CultureInfo.InvariantCulture,
            $"Model {Path.GetFileName(Path.GetFullPath(modelDir).TrimEnd(Path.DirectorySeparatorChar))}, data {request.Data.Source}, {request.Data.Shots}-shot, " +
            $"block {request.BlockLength}{(filter is null ? "" : $", τ_f {filter.AcceptThreshold}")}, {settings.Device} {settings.DType}, {request.Threads} thread(s), batch 1.");
        string markdown = EvalReport.Markdown(results, aups, frontiers, metricName, caption);
        var runSettings = new JsonObject
        {
            ["methods"] = new JsonArray(methods.Select(m => (JsonNode)m.Id).ToArray()),
            ["gen_lengths"] = new JsonArray(lengths.Select(l => (JsonNode)l.GenLength).ToArray()),
            ["limits"] = new JsonArray(lengths.Select(l => (JsonNode)l.Limit).ToArray()),
            ["metric"] = metricName,
        };
        EvalReport.Write(request.OutDirectory, markdown, EvalReport.Json(settings, runSettings, results, aups, frontiers,
            store.Records.Where(r => lengths.Any(l => l.GenLength == r.GenLength && r.Index < l.Limit) && methods.Any(m => m.Id == r.Method)),
            request.CommandLine));
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
