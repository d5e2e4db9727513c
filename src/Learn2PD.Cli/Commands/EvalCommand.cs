using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Learn2PD.Cli.Eval;
using Learn2PD.Cli.Terminal;
using Learn2PD.Core;
using Learn2PD.Core.Decoding;
using Learn2PD.Core.Filter;
using Learn2PD.Train.FilterTraining;

namespace Learn2PD.Cli.Commands;

/// <summary>
/// <c>l2pd eval</c>: every decoding method side by side on one data set, at each generation length:
/// accuracy, NFE, latency, tokens/s, TPF, speed-up and agreement with the baseline, AUP; written as a
/// markdown table, results.json and speedup.png. Resumable: per-sample records go to samples.jsonl.
/// </summary>
internal static class EvalCommand
{
    /// <summary>Samples per generation length when --limit is not given (see <see cref="DefaultLimit"/>).</summary>
    public const int DefaultShortLimit = 40, DefaultLongLimit = 6;

    public static readonly string Description =
        "Benchmark the decoding methods side by side: accuracy, NFE, latency, tokens/s, tokens per forward (TPF), " +
        "speed-up over the one-token-per-step baseline (by NFE and by wall time), agreement with the baseline's answers, " +
        "and AUP per generation length. Each sample is decoded alone (batch 1). tokens/s counts the answer tokens that are " +
        "not end-of-text, over the decode's wall time (as the papers count); TPF counts every answer token committed " +
        "(end-of-text included, a tail cut off by end-of-text prediction excluded) per forward, so the baseline's is 1. " +
        "Writes DIR/results.md, DIR/results.json and DIR/speedup.png; per-sample records go to DIR/samples.jsonl as they " +
        "finish, so rerunning the same command resumes a killed run. With no options: the embedded model and filter on " +
        $"the arithmetic test split, every method, gen lengths 256 ({DefaultShortLimit} samples) and 1024 ({DefaultLongLimit} samples). " +
        "AUP (accuracy under parallelism) is computed over the methods run at each length, the oracle excluded. Methods: " +
        string.Join("; ", EvalMethod.All.Select(m => $"{m.Name}: {m.Description}")) + ".";

    public static Command Create()
    {
        var common = new CommonOptions();
        var filter = new Option<string?>("--filter") { Description = "Learn2PD filter (.safetensors or .pth; default: filter.safetensors in the model directory)" };
        var acceptThreshold = new Option<double?>("--accept-threshold") { Description = "τ_f of the filter (default: suggested_threshold in the filter's .json sidecar, else 0.9)" };
        var data = new Option<string?>("--data") { Description = "JSONL data: GSM8K {\"question\", \"answer\"} (lm-eval gsm8k prompt and scorers) or {\"prompt\", \"answer\"} (exact match of the trimmed generation)" };
        var task = new Option<string?>("--task") { Description = "Built-in data instead of --data: arith (the arithmetic task's test split; the default)" };
        var limit = new Option<string?>("--limit") { Description = $"Samples per generation length: N for all, or one per --gen-length (default {DefaultShortLimit} at gen ≤ 256, {DefaultLongLimit} above; the first N items of the data)" };
        var methods = new Option<string>("--methods") { Description = $"Comma-separated methods or 'all': {EvalMethod.ValidNames} (baseline always runs)", DefaultValueFactory = _ => "all" };
        var genLength = new Option<string>("--gen-length") { Description = "Comma-separated generation lengths", DefaultValueFactory = _ => "256,1024" };
        var blockLength = new Option<int>("--block-length") { Description = "Semi-autoregressive block length (must equal the filter's)", DefaultValueFactory = _ => 32 };
        var shots = new Option<int>("--shots") { Description = "k-shot examples before each GSM8K question (drawn per item with --seed)", DefaultValueFactory = _ => 0 };
        var fewShotData = new Option<string?>("--fewshot-data") { Description = "JSONL of solved {\"question\", \"answer\"} examples for --shots (default with --task arith: its train split)" };
        var chatTemplate = new Option<string>("--chat-template") { Description = "auto (use the tokenizer's chat template when it has one; the whole prompt as one user message), on or off", DefaultValueFactory = _ => "auto" };
        var metric = new Option<string>("--metric") { Description = "GSM8K accuracy column: strict (strict-match) or flexible (flexible-extract); both are in results.json", DefaultValueFactory = _ => "strict" };
        var output = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => Path.Combine("runs", "eval") };
        var fresh = new Option<bool>("--fresh") { Description = "Discard the records already in --out instead of resuming them" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (default: every logical core; on a machine busy with other work, 1 avoids oversubscribed threads that can make forwards many times slower)", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("eval", Description)
        {
            filter, acceptThreshold, data, task, limit, methods, genLength, blockLength, shots, fewShotData, chatTemplate, metric, output, fresh, threads,
        };
        common.AddTo(command);
        command.SetAction(parse => CommandAction.Run(() =>
        {
            var chosen = EvalMethod.ParseList(parse.GetValue(methods)!);
            int block = parse.GetValue(blockLength);
            var lengths = ParseLengths(parse.GetValue(genLength)!, parse.GetValue(limit), block, chosen, parse.GetValue(common.Seed));
            var evalMetric = ParseMetric(parse.GetValue(metric)!);
            string? dataPath = parse.GetValue(data);
            if (parse.GetValue(task) is { } taskName)
            {
                if (!taskName.Equals("arith", StringComparison.OrdinalIgnoreCase))
                    throw new Learn2PdException($"--task must be arith (got '{taskName}'); other data sets go through --data FILE.jsonl");
                if (dataPath is not null) throw new Learn2PdException("pass --task or --data, not both");
            }
            bool? chat = parse.GetValue(chatTemplate)!.Trim().ToLowerInvariant() switch
            {
                "auto" => null,
                "on" => true,
                "off" => false,
                var other => throw new Learn2PdException($"--chat-template must be auto, on or off (got '{other}')"),
            };

            string modelDir = common.ModelDirectory(parse);
            if (common.IsEmbeddedModel(parse) && !Directory.Exists(modelDir))
                throw new Learn2PdException($"the embedded model is missing from {modelDir}; pass --model DIR or rebuild l2pd");
            string filterPath = parse.GetValue(filter) ?? Path.Combine(modelDir, "filter.safetensors");
            bool needsFilter = chosen.Any(m => m.UsesFilter);
            if (needsFilter && !File.Exists(filterPath))
            {
                string what = parse.GetValue(filter) is not null ? "filter file" : common.IsEmbeddedModel(parse) ? "embedded filter" : "model directory's filter";
                throw new Learn2PdException($"{filterPath}: {what} not found; train one with `l2pd train-filter`, pass --filter FILE, " +
                    "or leave out the l2p methods with --methods");
            }

            var loaded = common.LoadModel(parse);
            var tokenizer = loaded.Tokenizer ?? throw new Learn2PdException($"{modelDir}: no tokenizer.json; eval needs one to build prompts and score text");
            int threadCount = parse.GetValue(threads);
            if (threadCount <= 0) throw new Learn2PdException($"--threads must be positive (got {threadCount})");
            TorchSharp.torch.set_num_threads(threadCount);
            Learn2PdFilter? learn2pd = needsFilter ? FilterFile.Load(filterPath) : null;
            if (learn2pd is not null && learn2pd.BlockLength != block)
                throw new Learn2PdException($"{filterPath}: the filter reads blocks of {learn2pd.BlockLength}, but --block-length is {block}");
            double tau = parse.GetValue(acceptThreshold) ?? FilterSidecar.SuggestedThresholdFor(filterPath) ?? 0.9;
            if (tau is < 0 or > 1 || double.IsNaN(tau)) throw new Learn2PdException($"--accept-threshold must be between 0 and 1 (got {tau})");

            var dataOptions = new EvalDataOptions
            {
                DataPath = dataPath,
                Shots = parse.GetValue(shots),
                FewShotPath = parse.GetValue(fewShotData),
                ChatTemplate = chat,
                Seed = parse.GetValue(common.Seed),
            };
            var samples = EvalData.Load(dataOptions, tokenizer, lengths.Max(l => l.Limit));
            lengths = lengths.Select(l => l with { Limit = Math.Min(l.Limit, samples.Count) }).ToArray();
            int longest = samples.Max(x => x.PromptIds.Length) + lengths.Max(l => l.GenLength);
            if (longest > loaded.Model.Config.MaxSequenceLength)
                throw new Learn2PdException($"the longest prompt ({samples.Max(x => x.PromptIds.Length)} tokens) + --gen-length {lengths.Max(l => l.GenLength)} " +
                    $"exceeds the model's maximum length {loaded.Model.Config.MaxSequenceLength}");

            var settings = new EvalSettings
            {
                Model = Path.GetFullPath(modelDir),
                ModelFingerprint = EvalSettings.ModelFingerprintOf(modelDir),
                Filter = File.Exists(filterPath) ? Path.GetFullPath(filterPath) : null,
                FilterFingerprint = File.Exists(filterPath) ? EvalData.FileHash(filterPath) : null,
                AcceptThreshold = tau,
                Data = dataOptions.Source,
                DataFingerprint = dataPath is null ? null : EvalData.FileHash(dataPath),
                Shots = dataOptions.Shots,
                FewShotData = dataOptions.FewShotPath is { } f ? Path.GetFullPath(f) : null,
                ChatTemplate = chat ?? tokenizer.HasChatTemplate,
                BlockLength = block,
                Seed = parse.GetValue(common.Seed),
                Device = parse.GetValue(common.Device)!.Trim().ToLowerInvariant(),
                DType = parse.GetValue(common.DType)!.Trim().ToLowerInvariant(),
            };
            string outDir = parse.GetValue(output)!;
            using var store = ResultStore.Open(outDir, settings, parse.GetValue(fresh));
            int pending = EvalRunner.CountPending(store, lengths, chosen, samples);
            int total = EvalRunner.Plan(lengths, chosen, samples).Count();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{samples.Count} samples from {dataOptions.Source}; methods {string.Join(", ", chosen.Select(m => m.Name))}; " +
                $"{string.Join(", ", lengths.Select(l => $"gen {l.GenLength} × {l.Limit}"))}; τ_f {tau}; {total - pending} of {total} decodes already in {store.Path}"));

            if (pending > 0)
            {
                var runner = new EvalRunner(new BlockDecoder(loaded.Model), tokenizer, learn2pd, tau, block, settings.Seed);
                using var cancel = ConsoleCancel.Create();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    new ProgressReporter(TimeSpan.FromSeconds(15)).Run("eval", pending, bar =>
                        runner.Run(store, lengths, chosen, samples,
                            r => bar.Advance(1, $"gen {r.GenLength} {r.Method} #{r.Index} nfe {r.Nfe}"), cancel.Token));
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine($"{store.Records.Count()} records kept in {store.Path}; rerun the same command to resume");
                    throw;
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pending} decodes in {clock.Elapsed.TotalSeconds:F0} s"));
            }

            var results = MethodResult.Summarize(store.Records, chosen, lengths, evalMetric);
            var aups = AupResult.Compute(results);
            string metricName = evalMetric == EvalMetric.Strict ? "strict-match" : "flexible-extract";
            string caption = string.Create(CultureInfo.InvariantCulture,
                $"Model {Path.GetFileName(Path.GetFullPath(modelDir).TrimEnd(Path.DirectorySeparatorChar))}, data {dataOptions.Source}, {dataOptions.Shots}-shot, " +
                $"block {block}, τ_f {tau}, {settings.Device} {settings.DType}, {threadCount} thread(s), batch 1.");
            string markdown = EvalReport.Markdown(results, aups, metricName, caption);
            parse.InvocationConfiguration.Output.Write(markdown);
            var runSettings = new JsonObject
            {
                ["methods"] = new JsonArray(chosen.Select(m => (JsonNode)m.Name).ToArray()),
                ["gen_lengths"] = new JsonArray(lengths.Select(l => (JsonNode)l.GenLength).ToArray()),
                ["limits"] = new JsonArray(lengths.Select(l => (JsonNode)l.Limit).ToArray()),
                ["metric"] = metricName,
            };
            string commandLine = "l2pd " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            EvalReport.Write(outDir, markdown, EvalReport.Json(settings, runSettings, results, aups,
                store.Records.Where(r => lengths.Any(l => l.GenLength == r.GenLength && r.Index < l.Limit) && chosen.Any(m => m.Name == r.Method)),
                commandLine));
            SpeedupChart.Write(Path.Combine(outDir, EvalReport.ChartFile), results, metricName);
            Console.Error.WriteLine($"wrote {Path.Combine(outDir, EvalReport.MarkdownFile)}, {EvalReport.JsonFile} and {EvalReport.ChartFile}");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// A few dozen items at gen ≤ 256, fewer above: the baseline spends gen_length forwards per item.
    /// Sized for `l2pd eval` with no options to finish within 10 minutes on 2 CPU cores with the
    /// ~0.7M-parameter embedded model (forwards of 5–8 ms at ~370 tokens, 25–40 ms at ~1130): at 1024
    /// the baseline alone takes 26–41 s per item, the nine other methods 6–35 s together (fixed-schedule
    /// EoTP is the uncertain one: it saves little when its cut lands late); at 256, 2–4 s per item for all ten.
    /// </summary>
    public static int DefaultLimit(int genLength) => genLength <= 256 ? DefaultShortLimit : DefaultLongLimit;

    internal static IReadOnlyList<LengthPlan> ParseLengths(string genLengths, string? limits, int blockLength, IReadOnlyList<EvalMethod> methods, ulong seed)
    {
        int[] lengths = ParseInts(genLengths, "--gen-length");
        if (lengths.Distinct().Count() != lengths.Length) throw new Learn2PdException($"--gen-length lists a length twice ({genLengths})");
        // Validates gen and block length together, with the decoder's own messages.
        foreach (int length in lengths)
            foreach (var method in methods) method.Options(length, blockLength, seed);
        int[] counts = limits is null ? lengths.Select(DefaultLimit).ToArray() : ParseInts(limits, "--limit");
        if (counts.Length == 1 && lengths.Length > 1) counts = Enumerable.Repeat(counts[0], lengths.Length).ToArray();
        if (counts.Length != lengths.Length)
            throw new Learn2PdException($"--limit gives {counts.Length} counts for {lengths.Length} generation lengths: give one for all, or one per length");
        return lengths.Select((l, i) => new LengthPlan(l, counts[i])).ToArray();
    }

    private static int[] ParseInts(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new Learn2PdException($"{option} is empty");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new Learn2PdException($"{option}: '{p}' is not a positive whole number")).ToArray();
    }

    private static EvalMetric ParseMetric(string text) => text.Trim().ToLowerInvariant() switch
    {
        "strict" or "strict-match" => EvalMetric.Strict,
        "flexible" or "flexible-extract" => EvalMetric.Flexible,
        _ => throw new Learn2PdException($"--metric must be strict or flexible (got '{text}')"),
    };

}
